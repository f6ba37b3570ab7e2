"""Run the command line with ``python -m skthresh``."""

import sys

from skthresh._cli import main

sys.exit(main())
