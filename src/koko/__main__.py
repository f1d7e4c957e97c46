"""``python -m koko``: the same command line as ``koko``."""

from koko.cli import run

if __name__ == "__main__":
    run()
