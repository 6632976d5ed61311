import sys

from gan_core.cli import main

if __name__ == "__main__":  # not in a spawned worker (python -m gan_core paper runs trials in processes)
    sys.exit(main())
