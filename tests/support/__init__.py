"""What several test modules share: the seed file, reading pages and frames, listening on the
channel layer, the browser. Fixtures are in tests/conftest.py."""
