"""What several test modules (and bench/) share: the seed file, reading pages and frames, the
browser. Fixtures are in tests/conftest.py."""
