"""Command line: ``python -m penalized demo`` and ``python -m penalized fit DATA``."""

import sys

from ._cli import main

if __name__ == "__main__":
    sys.exit(main())
