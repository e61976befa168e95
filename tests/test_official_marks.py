"""Provisional and official results: officials mark distances official (or provisional again) in
the admin, the pages say so, and the change goes live like a result."""

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.contrib.auth.models import Permission, User
from django.core.cache import cache
from django.urls import reverse

from championships.models import Championship, Distance
from tests.support.listener import Listener
from tests.support.pages import result_status
from tests.support.seed import SEED_SLUG as SLUG

PAGE = f"/{SLUG}/"
FEED = f"/{SLUG}/standings.json"
DISTANCES = reverse("admin:championships_distance_changelist")

pytestmark = pytest.mark.django_db


@pytest.fixture
def listener():
    """What a browser following the championship in English and in Dutch is sent."""
    cache.clear()
    yield Listener(SLUG)
    async_to_sync(get_channel_layer().flush)()


def by_language(frames):
    """{"en": frame, "nl": frame} of a push to both languages."""
    found = {"nl" if "voorlopig" in frame or "officieel" in frame else "en": frame for frame in frames}
    assert set(found) == {"en", "nl"}, "one frame per language"
    return found


def mark(client, action, *distances):
    return client.post(
        DISTANCES, {"action": action, "_selected_action": [d.pk for d in distances], "index": 0}
    )


def test_an_official_marks_distances_official_and_it_goes_live(
    wk_sprint_after_3, official_client, listener, django_capture_on_commit_callbacks
):
    page = official_client.get(PAGE).content.decode()
    assert result_status(page, "classification") == "provisional"
    revision = Championship.objects.get(slug=SLUG).revision
    distances = {d.order: d for d in wk_sprint_after_3.distances.all()}

    with django_capture_on_commit_callbacks(execute=True):
        response = mark(official_client, "mark_official", distances[1], distances[2])
    assert response.status_code == 302
    assert set(Distance.objects.filter(official=True).values_list("order", flat=True)) == {1, 2}
    assert Championship.objects.get(slug=SLUG).revision > revision
    # Pushed: distances 1 and 2 are official, 3 is not yet, nor the classification after it.
    frames = by_language(listener.frames(2))
    for frame in frames.values():
        assert [result_status(frame, f"distance-{order}") for order in (1, 2, 3)] == [
            "official",
            "official",
            "provisional",
        ]
        assert result_status(frame, "classification") == "provisional"
    assert "officieel" in frames["nl"] and "voorlopig" in frames["nl"]
    assert (
        result_status(official_client.get(f"/{SLUG}/distances/1/").content.decode(), "distance-1")
        == "official"
    )

    with django_capture_on_commit_callbacks(execute=True):
        mark(official_client, "mark_official", distances[3])
    page = official_client.get(PAGE).content.decode()
    assert result_status(page, "classification") == "official"
    # Pushed: distance 3 official, and with it the classification after it.
    for frame in listener.frames(2):
        assert result_status(frame, "distance-3") == "official"
        assert result_status(frame, "classification") == "official"
    # The JSON feed keeps its form: the revision tells it changed.
    assert official_client.get(FEED).json()["revision"] > revision


def test_marking_provisional_again(
    wk_sprint_after_3, official_client, listener, django_capture_on_commit_callbacks
):
    Distance.objects.filter(championship=wk_sprint_after_3).update(official=True)
    assert result_status(official_client.get(PAGE).content.decode(), "classification") == "official"
    distance = wk_sprint_after_3.distances.get(order=3)
    with django_capture_on_commit_callbacks(execute=True):
        mark(official_client, "mark_provisional", distance)
    distance.refresh_from_db()
    assert not distance.official
    assert result_status(official_client.get(PAGE).content.decode(), "classification") == "provisional"
    for frame in listener.frames(2):
        assert result_status(frame, "distance-3") == "provisional"
        assert result_status(frame, "distance-2") == "official"


def test_staff_without_result_rights_cannot_mark_official(wk_sprint_after_3, client):
    user = User.objects.create_user("viewer", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_distance"))
    client.force_login(user)
    distance = wk_sprint_after_3.distances.get(order=1)
    mark(client, "mark_official", distance)
    distance.refresh_from_db()
    assert not distance.official


def test_the_distance_list_edits_official_in_place(
    wk_sprint_after_3, client, listener, django_capture_on_commit_callbacks
):
    client.force_login(User.objects.create_superuser("admin", password="x"))
    distances = list(Distance.objects.order_by("championship", "order"))
    data = {
        "form-TOTAL_FORMS": len(distances),
        "form-INITIAL_FORMS": len(distances),
        "form-MIN_NUM_FORMS": 0,
        "form-MAX_NUM_FORMS": 1000,
        "_save": "Save",
    }
    for i, distance in enumerate(distances):
        data[f"form-{i}-id"] = distance.pk
        if distance.order == 2:
            data[f"form-{i}-official"] = "on"
    revision = Championship.objects.get(slug=SLUG).revision
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(DISTANCES, data)
    assert response.status_code == 302
    assert list(Distance.objects.filter(official=True).values_list("order", flat=True)) == [2]
    assert Championship.objects.get(slug=SLUG).revision == revision + 1
    frame = listener.frame()
    assert [result_status(frame, f"distance-{order}") for order in (1, 2, 3)] == [
        "provisional",
        "official",
        "provisional",
    ]
