"""Nobody writes who should not; production settings pass Django's deployment checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from championships.models import Result

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "url_name, args",
    [
        ("admin:championships_result_add", []),
        ("admin:championships_result_changelist", []),
        ("admin:championships_start_add", []),
        ("admin:championships_distance_current_pair", ["distance"]),
        ("admin:championships_distance_pair", ["distance", 5]),
    ],
)
def test_anonymous_visitors_cannot_reach_any_write_path(client, wk_sprint_after_3, url_name, args):
    distance = wk_sprint_after_3.distances.get(order=4)
    url = reverse(url_name, args=[distance.pk if a == "distance" else a for a in args])
    response = client.post(url, {"inner": "1:13.57", "outer": "1:13.13"})
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert not Result.objects.filter(distance=distance).exists()


def test_staff_without_the_officials_group_cannot_enter_times(client, wk_sprint_after_3):
    user = User.objects.create_user("volunteer", password="x", is_staff=True)
    client.force_login(user)
    distance = wk_sprint_after_3.distances.get(order=4)
    response = client.post(
        reverse("admin:championships_distance_pair", args=[distance.pk, 5]), {"inner": "1:13.57"}
    )
    assert response.status_code == 403
    assert not Result.objects.filter(distance=distance).exists()


PUBLIC_PAGES = [
    "/",
    "/{slug}/",
    "/{slug}/?tv=1",
    "/{slug}/tv/",
    "/{slug}/standings.json",
    "/{slug}/standings.csv",
    "/{slug}/distances/4/",
    "/{slug}/distances/4/results.csv",
    "/{slug}/h2h/?a=1&b=2",
]


@pytest.mark.parametrize("page", PUBLIC_PAGES)
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_public_pages_do_not_accept_writes(client, wk_sprint_after_3, page, method):
    url = page.format(slug=wk_sprint_after_3.slug)
    response = getattr(client, method)(url, {"time": "1:00.00"})
    assert response.status_code == 405, url
    assert response["Allow"] == "GET, HEAD"
    assert Result.objects.count() == 30


def test_login_attempts_are_throttled(client, db):
    User.objects.create_user("official", password="right-password-123", is_staff=True)
    url = reverse("admin:login")
    for _ in range(5):
        assert client.post(url, {"username": "official", "password": "wrong"}).status_code == 200
    refused = client.post(url, {"username": "official", "password": "right-password-123"})
    assert refused.status_code == 429
    assert "Too many failed logins" in refused.content.decode()


def test_pages_carry_a_content_security_policy(client, wk_sprint_after_3):
    policy = client.get(f"/{wk_sprint_after_3.slug}/")["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "default-src 'self'" in policy


def test_production_settings_pass_the_deployment_checks():
    env = {
        **os.environ,
        "SECRET_KEY": "x" * 20 + "production-secret-key-that-is-long-enough-and-random",
        "HTTPS": "on",
        "ALLOWED_HOSTS": "results.example.org",
    }
    env.pop("DEBUG", None)
    checked = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "no issues" in checked.stdout
