"""`python -m training.synthetic ...` is `python -m training generate ...`."""

import sys

from training.cli import main

raise SystemExit(main(["generate", *sys.argv[1:]]))
