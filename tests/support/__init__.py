"""What the tests (and bench/) share: the seed file, reading pages and frames, listening on the
channel layer, the browser, servers and processes. Fixtures are in tests/conftest.py."""
