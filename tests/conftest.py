"""Shared fixtures: the seed championship (World Sprint 2024, women) loaded from data/."""

import copy
import json
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from championships.championship_file import load
from championships.officials import ensure_official

SEED_FILE = Path(django_settings.BASE_DIR) / "data" / "wk-sprint-2024-women.json"
SEED_SLUG = "wk-sprint-2024-women"
_SEED = json.loads(SEED_FILE.read_text(encoding="utf-8"))


@pytest.fixture(autouse=True, scope="session")
def _test_client_hosts():
    """The test client's hosts are accepted whatever ALLOWED_HOSTS the environment sets."""
    hosts = ["testserver", "127.0.0.1", "localhost"]
    extra = [h for h in hosts if h not in django_settings.ALLOWED_HOSTS]
    django_settings.ALLOWED_HOSTS = [*django_settings.ALLOWED_HOSTS, *extra]
    yield


@pytest.fixture
def seed_data():
    """A fresh, mutable copy of the seed championship file's content."""
    return copy.deepcopy(_SEED)


@pytest.fixture
def wk_sprint(db, seed_data):
    """The seed championship with all four distances' results."""
    return load(seed_data)


@pytest.fixture
def wk_sprint_after_3(db, seed_data):
    """The seed championship as the seed article found it: three distances skated."""
    return load(seed_data, results_until=3)


@pytest.fixture
def official(db):
    """A login in the Officials group."""
    from django.contrib.auth.models import User

    username, _password = ensure_official()
    return User.objects.get(username=username)


@pytest.fixture
def official_client(client, official):
    client.force_login(official)
    return client
