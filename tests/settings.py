"""The tests' settings: Sprintboard's own, with a key of their own, set in the environment before
the settings load, so that every server and command the tests start shares it (production settings
refuse to start without one)."""

import os

os.environ.setdefault("SECRET_KEY", "django-insecure-sprintboard-tests-only")

from sprintboard.settings import *  # noqa: F403

# Logins in the tests need no protection against cracking, only speed.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
