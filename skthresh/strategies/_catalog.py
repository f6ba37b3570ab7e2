"""The table of registered strategies, by name: storage only, imports nothing."""

# name -> strategy class; filled by ``register_strategy``.
REGISTRY = {}


def names_where(predicate):
    """Sorted registered names whose class satisfies ``predicate(cls)``.

    Capability lists shown to users (in messages and docs) are derived here
    from what each strategy class declares, never written out by hand.
    """
    return sorted(name for name, cls in REGISTRY.items() if predicate(cls))
