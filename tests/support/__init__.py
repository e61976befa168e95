"""What the tests (and bench/) share: servers and processes (servers.py), and more by job."""
