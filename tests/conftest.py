"""Shared fixtures: the seed championship (World Sprint 2024, women; tests/support/seed.py) and
officials. Helpers that are no fixtures are in tests/support/."""

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.core.cache import cache

from championships.championship_file import load
from championships.officials import ensure_official
from tests.support import seed
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS


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
    return seed.seed_data()


@pytest.fixture
def wk_sprint(db, seed_data):
    """The seed championship with all four distances' results."""
    return load(seed_data)


@pytest.fixture
def wk_sprint_after_3(db, seed_data):
    """The seed championship as the seed article found it: three distances skated."""
    return load(seed_data, results_until=3)


@pytest.fixture
def fresh_live_state():
    """An empty channel layer and fragment cache before and after the test (live pushes)."""

    def reset():
        async_to_sync(get_channel_layer().flush)()
        cache.clear()

    reset()
    yield
    reset()


@pytest.fixture
def official(db):
    """A member of the officials group (who may enter results and mark them official)."""
    username, _password = ensure_official()
    return User.objects.get(username=username)


@pytest.fixture
def official_client(client, official):
    """The test client, logged in as an official."""
    client.force_login(official)
    return client


@pytest.fixture
def chromium(monkeypatch):
    """Debian's Chromium, headless, for a test with pytest-django's live_server or daphne."""
    # Playwright's sync API runs a loop in this thread; the ORM calls beside it are safe here.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
