"""The history of every change (who, when, through which door, from what to what) and the public
"corrected" mark on a result changed after it was shown."""

import json
from decimal import Decimal
from html import unescape

from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from championships.championship_file import load
from championships.models import Championship, Distance, Result
from championships.results import save_result
from championships.timing.models import TimingToken
from tests.support.pages import opened, section, text
from tests.support.timing import post_events

SLUG = "wk-sprint-2024-women"


def final_1000(championship):
    return championship.distances.get(order=4)


def kok_1000(championship):
    return Result.objects.get(distance=final_1000(championship), skater__name="Femke Kok")


def changes(result_pk):
    """The result's history, oldest first: (type, username or None, source, time)."""
    rows = Result.history.filter(id=result_pk).order_by("history_date", "history_id")
    return [
        (
            row.history_type,
            row.history_user and row.history_user.username,
            row.history_change_reason,
            row.time,
        )
        for row in rows
    ]


def last_diff(result_pk):
    """The newest history row's changes against the one before: [(field, old, new)]."""
    newest, previous = Result.history.filter(id=result_pk).order_by("-history_date", "-history_id")[:2]
    return [(c.field, c.old, c.new) for c in newest.diff_against(previous).changes]


def enter(championship, time, skater="Femke Kok"):
    call_command("enter_result", championship.slug, distance=4, skater=skater, time=time)


# --- the history, door by door ---------------------------------------------------------------


def test_a_correction_in_the_pair_entry_is_in_the_history_with_its_official(
    official_client, official, wk_sprint_after_3
):
    url = reverse("admin:championships_distance_pair", args=[final_1000(wk_sprint_after_3).pk, 5])
    official_client.post(url, {"inner": "1:13.67", "outer": "1:13.13"})
    official_client.post(url, {"inner": "1:13.57", "outer": "1:13.13"})
    kok = kok_1000(wk_sprint_after_3)
    assert changes(kok.pk) == [
        ("+", official.username, "pair entry", Decimal("73.67")),
        ("~", official.username, "pair entry", Decimal("73.57")),
    ]
    assert last_diff(kok.pk) == [("time", Decimal("73.67"), Decimal("73.57"))]


def test_a_correction_in_the_result_admin_is_in_the_history(official_client, official, wk_sprint_after_3):
    enter(wk_sprint_after_3, "1:13.67")
    kok = kok_1000(wk_sprint_after_3)
    url = reverse("admin:championships_result_change", args=[kok.pk])
    response = official_client.post(url, {**opened(official_client, url, "result_form"), "time": "1:13.57"})
    assert response.status_code == 302
    assert changes(kok.pk) == [
        ("+", None, "command enter_result", Decimal("73.67")),
        ("~", official.username, "admin", Decimal("73.57")),
    ]
    assert last_diff(kok.pk) == [("time", Decimal("73.67"), Decimal("73.57"))]


def test_enter_result_corrects_and_clears_in_the_history(wk_sprint_after_3):
    before = Championship.objects.get(slug=SLUG).revision
    enter(wk_sprint_after_3, "1:13.67")
    # The history's own rows are no change of what the pages show: one save, one revision.
    assert Championship.objects.get(slug=SLUG).revision == before + 1
    kok = kok_1000(wk_sprint_after_3)
    call_command("enter_result", SLUG, distance=4, skater="Femke Kok", status="DQ", time="1:13.67")
    call_command("enter_result", SLUG, distance=4, skater="Femke Kok", clear=True)
    assert changes(kok.pk) == [
        ("+", None, "command enter_result", Decimal("73.67")),
        ("~", None, "command enter_result", Decimal("73.67")),
        ("-", None, "command enter_result", Decimal("73.67")),
    ]
    newest, previous = Result.history.filter(id=kok.pk).order_by("history_date", "history_id")[:2]
    assert [(c.field, c.old, c.new) for c in previous.diff_against(newest).changes] == [("status", "", "DQ")]


def test_the_feed_is_in_the_history_with_its_device_and_source(client, wk_sprint_after_3):
    cache.clear()  # the feed's request counts per token
    secret = TimingToken.issue(wk_sprint_after_3, "Vantage main")[1]

    def finish(event_id, time, source):
        body = {"events": [{"id": event_id, "type": "finish", "distance": 4, "pair": 4, "lane": "outer",
                            "time": time, "source": source}]}  # fmt: skip
        post_events(secret, body["events"], SLUG, client)

    finish("fin-optical", "72.8745", "optical")
    finish("fin-photo", "72.8611", "photofinish")
    leerdam = Result.objects.get(distance=final_1000(wk_sprint_after_3), skater__name="Jutta Leerdam")
    assert changes(leerdam.pk) == [
        ("+", None, "timing feed: Vantage main, optical", Decimal("72.87")),
        ("~", None, "timing feed: Vantage main, photofinish", Decimal("72.86")),
    ]
    assert last_diff(leerdam.pk) == [
        ("raw_time", Decimal("72.8745"), Decimal("72.8611")),  # as measured, kept beside the official time
        ("time", Decimal("72.87"), Decimal("72.86")),
    ]
    assert (leerdam.corrected_from_time, leerdam.corrected_from_status) == (Decimal("72.87"), "")


def test_a_loaded_championship_starts_its_history_as_loaded(wk_sprint_after_3, tmp_path, seed_data):
    kok_500 = Result.objects.get(distance__order=1, skater__name="Femke Kok")
    assert changes(kok_500.pk) == [("+", None, "championship file", Decimal("37.07"))]
    seed_data["slug"] = "loaded-by-command"
    path = tmp_path / "championship.json"
    path.write_text(json.dumps(seed_data))
    call_command("load_championship", str(path))
    loaded = Result.objects.get(
        distance__championship__slug="loaded-by-command", distance__order=1, skater__name="Femke Kok"
    )
    assert changes(loaded.pk) == [("+", None, "command load_championship", Decimal("37.07"))]
    distance = Distance.objects.get(championship__slug="loaded-by-command", order=1)
    assert [r.history_change_reason for r in distance.history.all()] == ["command load_championship"]


def test_a_replaced_championship_says_so_once(wk_sprint_after_3, seed_data):
    kok_500 = Result.objects.get(distance__order=1, skater__name="Femke Kok")
    load(seed_data, replace=True)
    assert changes(kok_500.pk) == [("+", None, "championship file", Decimal("37.07"))]
    gone = Championship.history.filter(id=wk_sprint_after_3.pk).order_by("history_date", "history_id")
    assert [(r.history_type, r.history_change_reason) for r in gone] == [
        ("+", "championship file"),
        ("-", "championship file"),
    ]


def test_marking_a_distance_official_is_in_its_history(official_client, official, wk_sprint_after_3):
    distance = wk_sprint_after_3.distances.get(order=1)
    official_client.post(
        reverse("admin:championships_distance_changelist"),
        {"action": "mark_official", "_selected_action": [distance.pk]},
    )
    newest = distance.history.order_by("-history_date", "-history_id").first()
    assert (newest.history_type, newest.history_user, newest.history_change_reason, newest.official) == (
        "~",
        official,
        "admin",
        True,
    )


# --- the admin's history page ------------------------------------------------------------------


def test_the_history_page_lists_who_changed_what_from_which_door(
    official_client, official, wk_sprint_after_3
):
    enter(wk_sprint_after_3, "1:13.67")
    kok = kok_1000(wk_sprint_after_3)
    url = reverse("admin:championships_result_change", args=[kok.pk])
    official_client.post(url, {**opened(official_client, url, "result_form"), "time": "1:13.57"})
    response = official_client.get(reverse("admin:championships_result_history", args=[kok.pk]))
    assert response.status_code == 200
    rows = text(unescape(section_of_history(response.content.decode())))
    assert f"Changed {official.username} admin Time: 1:13.67 → 1:13.57" in rows
    assert "Created None command enter_result" in rows


def section_of_history(html):
    start = html.index('<table id="change-history"')
    return html[start : html.index("</table>", start)]


def test_the_history_cannot_revert_past_the_usual_doors(official_client, wk_sprint_after_3):
    distance = final_1000(wk_sprint_after_3)
    enter(wk_sprint_after_3, "1:13.67")
    enter(wk_sprint_after_3, "1:13.57")
    distance.official = True
    distance.save()
    kok = kok_1000(wk_sprint_after_3)
    first = Result.history.filter(id=kok.pk).order_by("history_date", "history_id").first()
    url = reverse("admin:championships_result_simple_history", args=[kok.pk, first.history_id])
    page = official_client.get(url)
    assert page.status_code == 200
    assert "Revert" not in text(page.content.decode())
    response = official_client.post(url, {"time": "1:13.67", "status": "", "splits": "", "note": ""})
    assert response.status_code == 403
    assert kok_1000(wk_sprint_after_3).time == Decimal("73.57")


# --- the public "corrected" mark ------------------------------------------------------------------


def distance_page(client, order=4):
    html = client.get(f"/{SLUG}/distances/{order}/").content.decode()
    return section(html, f"distance-{order}")


def test_a_corrected_result_is_marked_on_the_distance_page(client, wk_sprint_after_3):
    enter(wk_sprint_after_3, "1:13.67")
    enter(wk_sprint_after_3, "1:13.13", skater="Miho Takagi")
    assert "corrected" not in distance_page(client)
    enter(wk_sprint_after_3, "1:13.57")
    kok = kok_1000(wk_sprint_after_3)
    at = timezone.localtime(kok.corrected_at).strftime("%H:%M %Z")
    said = f"corrected {at}, was 1:13.67"
    html = distance_page(client)
    assert (
        f'<small class="corrected" title="{said}"><span aria-hidden="true">corrected</span>'
        f'<span class="sr">{said}</span></small>'
    ) in html
    assert html.count('class="corrected"') == 1  # Takagi's first entry is not


def test_a_status_or_the_same_time_again_is_what_counts(client, wk_sprint_after_3):
    enter(wk_sprint_after_3, "1:13.67")
    enter(wk_sprint_after_3, "1:13.67")  # the same again: no change
    call_command("enter_result", SLUG, distance=4, skater="Femke Kok", time="1:13.67", status=None)
    assert kok_1000(wk_sprint_after_3).correction is None
    call_command("enter_result", SLUG, distance=4, skater="Femke Kok", status="DQ", time="1:13.67")
    correction = kok_1000(wk_sprint_after_3).correction
    assert (str(correction), correction.time, correction.status) == ("1:13.67", Decimal("73.67"), "")
    assert "was 1:13.67" in distance_page(client)


def test_the_mark_speaks_the_pages_language(client, wk_sprint_after_3):
    enter(wk_sprint_after_3, "1:13.67")
    enter(wk_sprint_after_3, "1:13.57")
    at = timezone.localtime(kok_1000(wk_sprint_after_3).corrected_at).strftime("%H:%M %Z")
    html = client.get(f"/{SLUG}/distances/4/", headers={"accept-language": "nl"}).content.decode()
    assert f'title="gecorrigeerd {at}, was 1.13,67"' in html


def test_a_corrected_note_is_no_correction(client, wk_sprint_after_3):
    kok = Result.objects.get(distance__order=1, skater__name="Femke Kok")
    save_result(kok.distance, kok.skater, time=kok.time, note="protest rejected")
    assert Result.objects.get(pk=kok.pk).note == "protest rejected"
    assert "corrected" not in distance_page(client, 1)
    save_result(kok.distance, kok.skater, time="37.70", note="protest rejected", confirmed=True)
    assert "was 37.07" in distance_page(client, 1)


def test_a_mistyped_history_address_is_no_500(official_client, wk_sprint_after_3):
    kok = Result.objects.get(distance__order=1, skater__name="Femke Kok")
    base = reverse("admin:championships_result_changelist")
    for url in (f"{base}{kok.pk}/change/history/", f"{base}abc/history/", f"{base}{kok.pk}/history/abc/"):
        assert official_client.get(url).status_code == 302, url
