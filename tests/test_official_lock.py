"""A distance marked official is locked: its results and start list change through no door until
an official marks it provisional again."""

from decimal import Decimal
from html import unescape

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from championships.models import Distance, Result, Start
from championships.results import clear_result, save_result
from tests.support.pages import opened

LOCKED = (
    "Distance 3 (500 m) is official: its results and start list cannot be changed until an official "
    "marks it provisional again."
)


@pytest.fixture
def locked(wk_sprint_after_3, official_client):
    """The third distance (the second 500 m), marked official by an official in the admin."""
    distance = wk_sprint_after_3.distances.get(order=3)
    mark(official_client, distance, "mark_official")
    assert Distance.objects.get(pk=distance.pk).official
    return distance


def mark(client, distance, action):
    return client.post(
        reverse("admin:championships_distance_changelist"),
        {"action": action, ACTION_CHECKBOX_NAME: [distance.pk]},
        follow=True,
    )


def text(response):
    return unescape(response.content.decode())


def kok(distance):
    return distance.championship.skaters.get(name="Femke Kok")


def kok_result(distance):
    return Result.objects.get(distance=distance, skater__name="Femke Kok")


def test_the_pair_entry_says_official_and_offers_no_save(official_client, locked):
    pair = Start.objects.get(distance=locked, skater__name="Femke Kok").pair
    url = reverse("admin:championships_distance_pair", args=[locked.pk, pair])
    page = text(official_client.get(url))
    assert "This distance is official: its results cannot be changed" in page
    assert "Save and next pair" not in page
    before = kok_result(locked).time
    lane = Start.objects.get(distance=locked, skater__name="Femke Kok").lane
    response = official_client.post(url, {**opened(official_client, url, "pair-entry"), lane: "37.99"})
    assert response.status_code == 200
    assert LOCKED in text(response)
    assert kok_result(locked).time == before


def test_result_admin_add_change_and_delete_are_refused(official_client, locked):
    result = kok_result(locked)
    before = (result.time, result.version)
    change = reverse("admin:championships_result_change", args=[result.pk])
    response = official_client.post(
        change, {**opened(official_client, change, "result_form"), "time": "37.99"}
    )
    assert response.status_code == 200
    assert LOCKED in text(response)

    delete = reverse("admin:championships_result_delete", args=[result.pk])
    response = official_client.post(delete, {"post": "yes"}, follow=True)
    assert LOCKED in text(response)

    response = official_client.post(
        reverse("admin:championships_result_changelist"),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [result.pk], "post": "yes"},
        follow=True,
    )
    assert LOCKED in text(response)
    assert (kok_result(locked).time, kok_result(locked).version) == before

    result.delete()  # as if it had never been entered: adding one is refused too
    Distance.objects.filter(pk=locked.pk).update(official=True)
    response = official_client.post(
        reverse("admin:championships_result_add"),
        {"distance": locked.pk, "skater": kok(locked).pk, "time": "37.99"},
    )
    assert LOCKED in text(response)
    assert not Result.objects.filter(distance=locked, skater__name="Femke Kok").exists()


def test_start_admin_add_change_and_delete_are_refused(official_client, locked):
    start = Start.objects.get(distance=locked, skater__name="Femke Kok")
    change = reverse("admin:championships_start_change", args=[start.pk])
    response = official_client.post(change, {**opened(official_client, change, "start_form"), "pair": "9"})
    assert LOCKED in text(response)

    delete = reverse("admin:championships_start_delete", args=[start.pk])
    assert LOCKED in text(official_client.post(delete, {"post": "yes"}, follow=True))
    response = official_client.post(
        reverse("admin:championships_start_changelist"),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [start.pk], "post": "yes"},
        follow=True,
    )
    assert LOCKED in text(response)

    data = {"distance": locked.pk, "pair": "9", "lane": "inner", "skater": kok(locked).pk}
    assert LOCKED in text(official_client.post(reverse("admin:championships_start_add"), data))
    assert list(
        Start.objects.filter(distance=locked, skater__name="Femke Kok").values_list("pk", "pair")
    ) == [(start.pk, start.pair)]


def test_the_start_list_in_the_distance_admin_is_refused(admin_client, locked):
    url = reverse("admin:championships_distance_change", args=[locked.pk])
    form = opened(admin_client, url, "distance_form")
    pair_fields = [name for name in form if name.startswith("starts-") and name.endswith("-pair")]
    response = admin_client.post(url, {**form, pair_fields[0]: "9"})
    assert LOCKED in text(response)
    assert not Start.objects.filter(distance=locked, pair=9).exists()


def test_drawing_a_start_list_is_refused(official_client, wk_sprint_after_3):
    distance = wk_sprint_after_3.distances.get(order=4)
    distance.starts.all().delete()
    Distance.objects.filter(pk=distance.pk).update(official=True)
    response = mark(official_client, distance, "propose_start_list")
    assert "Distance 4 (1000 m) is official" in text(response)
    assert not distance.starts.exists()


def test_enter_result_is_refused(locked):
    slug = locked.championship.slug
    before = kok_result(locked).time
    with pytest.raises(CommandError, match="Distance 3 \\(500 m\\) is official"):
        call_command("enter_result", slug, distance=3, skater="Femke Kok", time="37.99")
    with pytest.raises(CommandError, match="Distance 3 \\(500 m\\) is official"):
        call_command("enter_result", slug, distance=3, skater="Femke Kok", clear=True)
    assert kok_result(locked).time == before


def test_save_result_and_clear_result_are_refused(locked):
    for call in (
        lambda: save_result(locked, kok(locked), time=Decimal("37.99"), confirmed=True),
        lambda: clear_result(locked, kok(locked)),
    ):
        with pytest.raises(ValidationError) as refused:
            call()
        assert refused.value.code == "official"
        assert refused.value.messages == [LOCKED]
    # Saving what is already there changes nothing and is no change of an official result.
    result = kok_result(locked)
    assert save_result(locked, kok(locked), time=result.time, status=result.status) == (result, False)


def test_marked_provisional_again_it_can_be_corrected_and_both_marks_are_logged(
    official_client,
    official,
    locked,
):
    slug = locked.championship.slug
    with pytest.raises(CommandError, match="is official"):
        call_command("enter_result", slug, distance=3, skater="Femke Kok", time="37.99")
    response = mark(official_client, locked, "mark_provisional")
    assert "Marked provisional: " in text(response)
    call_command("enter_result", slug, distance=3, skater="Femke Kok", time="37.99")
    assert kok_result(locked).time == Decimal("37.99")
    history = LogEntry.objects.filter(object_id=str(locked.pk), user=official, action_flag=CHANGE)
    assert history.count() == 2
