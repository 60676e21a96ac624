"""``python -m ownaudit``: the same command line as the ``ownaudit`` script."""

from ownaudit.cli import main

if __name__ == "__main__":  # pragma: no cover - exercised through subprocess in the tests
    main()
