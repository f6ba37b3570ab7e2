"""README.md promises: the CI runs its test command, its example runs."""

import re
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def _bash_blocks(text):
    return re.findall(r"```bash\n(.*?)```", text, flags=re.S)


def test_ci_runs_exactly_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    test_commands = [b.strip() for b in _bash_blocks(readme) if "pytest" in b]
    assert len(test_commands) == 1
    ci_lines = (ROOT / ".ci" / "run").read_text().splitlines()
    assert test_commands[0] in ci_lines


def test_readme_demo_command_runs_the_demo():
    readme = (ROOT / "README.md").read_text()
    demo = [b.strip() for b in _bash_blocks(readme) if "skthresh demo" in b]
    assert len(demo) == 1


def test_readme_python_example_runs():
    readme = (ROOT / "README.md").read_text()
    code = re.findall(r"```python\n(.*?)```", readme, flags=re.S)[0]
    namespace = {}
    exec(compile(code, "README.md", "exec"), namespace)
    search = namespace["search"]
    assert search.best_params_["slope"] in (20, 50, 200)
    assert search.best_estimator_.thresholds_.shape == (14,)


def test_readme_memmap_example_runs(tmp_path, monkeypatch):
    from skthresh import learn_thresholds
    from skthresh.datasets import make_tagging_scores

    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", readme, flags=re.S)
    (code,) = [b for b in blocks if "mmap_mode" in b]
    Y, S = make_tagging_scores(500, 12, random_state=0)
    np.save(tmp_path / "val_scores.npy", S)
    np.save(tmp_path / "val_labels.npy", Y)
    monkeypatch.chdir(tmp_path)
    namespace = {}
    exec(compile(code, "README.md", "exec"), namespace)
    np.testing.assert_array_equal(
        namespace["thresholds"], learn_thresholds(Y, S, strategy="coordinate")
    )


def test_readme_demo_table_is_the_demos_aligned_table():
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```(\w*)\n(.*?)```", readme, flags=re.S)
    (table,) = [b.splitlines() for _, b in blocks if b.startswith("| strategy ")]
    bars = {tuple(i for i, c in enumerate(line) if c == "|") for line in table}
    assert len(bars) == 1, "the columns are padded as the demo pads them"
    header = [cell.strip() for cell in table[0].strip("|").split("|")]
    assert header == [
        "strategy",
        "test micro-F1",
        "gain over 0.5",
        "test macro-F1",
        "tuning micro-F1",
        "time (s)",
    ]
    assert set(table[1]) == set("|-:")
    assert all(line.split("|")[3].strip().endswith(" pts") for line in table[2:])
