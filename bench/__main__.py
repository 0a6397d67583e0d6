"""Run every benchmark: ``python -m bench``."""

from bench import storage

if __name__ == "__main__":
    storage.run()
