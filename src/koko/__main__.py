"""``python -m koko``: the same command line as ``koko``."""

from koko.cli import main

if __name__ == "__main__":
    main()
