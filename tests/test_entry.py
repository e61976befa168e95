"""Officials enter results: the admin pair entry, the Result admin and `enter_result` share one path."""

import re
from decimal import Decimal
from html import unescape

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, DELETION, LogEntry
from django.contrib.auth.models import Permission, User
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from championships.display import result_text
from championships.forms import LEFT_EMPTY
from championships.models import Result
from championships.officials import ensure_official
from championships.results import UNCHANGED_CHECK_OFF, StaleResult, clear_result, save_result
from tests.support.pages import form_fields, opened, pair_overview, text


def final_1000(championship):
    return championship.distances.get(order=4)


def skater(championship, name):
    return championship.skaters.get(name=name)


def pair_url(championship, pair):
    return reverse("admin:championships_distance_pair", args=[final_1000(championship).pk, pair])


def second_official_client(db):
    username, _ = ensure_official("official-b")
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def standings(client, championship):
    rows = client.get(f"/{championship.slug}/standings.json").json()["rows"]
    return {row["skater"]["name"]: row for row in rows}


def test_current_pair_is_the_first_without_results(official_client, wk_sprint_after_3):
    url = reverse("admin:championships_distance_current_pair", args=[final_1000(wk_sprint_after_3).pk])
    assert official_client.get(url).url == pair_url(wk_sprint_after_3, 1)
    call_command("enter_result", wk_sprint_after_3.slug, distance=4, skater="Ellia Smeding", time="1:15.60")
    call_command("enter_result", wk_sprint_after_3.slug, distance=4, skater="Isabel Grevelt", status="DQ")
    assert official_client.get(url).url == pair_url(wk_sprint_after_3, 2)


def test_pair_entry_shows_both_skaters_with_lanes(official_client, wk_sprint_after_3):
    page = official_client.get(pair_url(wk_sprint_after_3, 5)).content.decode()
    assert '<label for="id_inner">Inner lane — Femke Kok: time or status</label>' in page
    assert '<label for="id_outer">Outer lane — Miho Takagi: time or status</label>' in page
    assert page.count("autofocus") == 1
    assert 'name="inner" autocomplete="off" spellcheck="false" size="12" autofocus' in page


def test_the_entry_keeps_the_admins_breadcrumbs_and_header(official_client, wk_sprint_after_3):
    page = official_client.get(pair_url(wk_sprint_after_3, 3)).content.decode()
    breadcrumbs = re.findall(
        r"<li[^>]*>(.*?)</li>", page.split('<ol class="breadcrumbs">')[1].split("</ol>")[0]
    )
    assert [text(crumb) for crumb in breadcrumbs] == [
        "Home",
        "Championships",
        "Distances",
        "World Sprint Championships 2024 — Women: 4. 1000 m",
        "Pair 3",
    ]
    assert 'id="header"' in page and 'id="site-name"' in page


def test_saving_a_pair_lands_on_the_next_and_updates_the_standings(official_client, wk_sprint_after_3):
    response = official_client.post(pair_url(wk_sprint_after_3, 4), {"inner": "1.14,25", "outer": "1:12,86"})
    assert response.status_code == 302
    assert response.url == pair_url(wk_sprint_after_3, 5)
    response = official_client.post(pair_url(wk_sprint_after_3, 5), {"inner": "1:13.57", "outer": "1:13.13"})
    rows = standings(official_client, wk_sprint_after_3)
    assert rows["Femke Kok"]["points"] == "148.100"
    assert rows["Miho Takagi"]["points"] == "147.545"
    assert rows["Jutta Leerdam"]["distances"][3]["badges"] == ["TR"]


def test_status_with_and_without_time(official_client, wk_sprint_after_3):
    official_client.post(pair_url(wk_sprint_after_3, 1), {"inner": "dnf", "outer": "DQ 1.15,28"})
    smeding = Result.objects.get(skater=skater(wk_sprint_after_3, "Ellia Smeding"), distance__order=4)
    grevelt = Result.objects.get(skater=skater(wk_sprint_after_3, "Isabel Grevelt"), distance__order=4)
    assert (smeding.status, smeding.time) == ("DNF", None)
    assert (grevelt.status, grevelt.time) == ("DQ", Decimal("75.28"))
    rows = standings(official_client, wk_sprint_after_3)
    assert rows["Isabel Grevelt"]["status"] == "NC"
    assert rows["Isabel Grevelt"]["distances"][3]["time"] == "1:15.28"


@pytest.mark.parametrize(
    "entry, message",
    [
        ("1:75.00", "seconds must be below 60"),
        ("abc", "does not belong in a time"),
        ("37.071", "hundredths"),
        ("-37.07", "cannot be negative"),
        ("1:13.57 1:13.58", "give one time"),
        ("DQ DNF", "one status at most"),
    ],
)
def test_bad_input_is_refused_and_nothing_is_half_saved(official_client, wk_sprint_after_3, entry, message):
    response = official_client.post(pair_url(wk_sprint_after_3, 5), {"inner": entry, "outer": "1:13.13"})
    assert response.status_code == 200
    page = unescape(response.content.decode())
    assert message in page
    assert "Inner lane — Femke Kok: " in page
    # Takagi's valid time was not saved on its own either: it stays in her field, to save with Kok's.
    assert not Result.objects.filter(distance=final_1000(wk_sprint_after_3)).exists()
    assert form_fields(page, "pair-entry")["outer"] == "1:13.13"


def test_blank_leaves_an_existing_result_alone(official_client, wk_sprint_after_3):
    official_client.post(
        pair_url(wk_sprint_after_3, 5), {"inner": "1:13.57", "outer": "", "outer_confirm": LEFT_EMPTY}
    )
    official_client.post(pair_url(wk_sprint_after_3, 5), {"inner": "", "outer": "1:13.13"})
    times = dict(Result.objects.filter(distance__order=4).values_list("skater__name", "time"))
    assert times == {"Femke Kok": Decimal("73.57"), "Miho Takagi": Decimal("73.13")}


def test_a_correction_is_an_edit_and_is_in_the_history(official_client, official, wk_sprint_after_3):
    official_client.post(pair_url(wk_sprint_after_3, 5), {"inner": "1:13.67", "outer": "1:13.13"})
    official_client.post(pair_url(wk_sprint_after_3, 5), {"inner": "1:13.57", "outer": "1:13.13"})
    assert Result.objects.filter(distance__order=4, skater__name="Femke Kok").count() == 1
    assert standings(official_client, wk_sprint_after_3)["Femke Kok"]["points"] == "148.100"
    kok = Result.objects.get(distance__order=4, skater__name="Femke Kok")
    history = LogEntry.objects.filter(object_id=str(kok.pk), user=official)
    assert history.count() == 2
    assert history.filter(action_flag=CHANGE).count() == 1


def test_result_admin_refuses_a_second_result_and_a_skater_not_in_the_start_list(
    official_client, wk_sprint_after_3
):
    distance = final_1000(wk_sprint_after_3)
    call_command("enter_result", wk_sprint_after_3.slug, distance=4, skater="Femke Kok", time="1:13.57")
    url = reverse("admin:championships_result_add")
    data = {
        "distance": distance.pk,
        "skater": skater(wk_sprint_after_3, "Femke Kok").pk,
        "time": "1:13.00",
        "status": "",
    }
    page = official_client.post(url, data).content.decode()
    assert "Femke Kok already has a result on distance 4 (1000 m): correct that one instead" in page
    distance.starts.filter(skater__name="Ellia Smeding").delete()
    data["skater"] = skater(wk_sprint_after_3, "Ellia Smeding").pk
    page = official_client.post(url, data).content.decode()
    assert "Ellia Smeding is not in the start list of distance 4 (1000 m)." in page
    assert Result.objects.filter(distance=distance).count() == 1


def test_officials_may_not_delete_championships_or_manage_logins(official_client, wk_sprint_after_3):
    url = reverse("admin:championships_championship_delete", args=[wk_sprint_after_3.pk])
    assert official_client.post(url, {"post": "yes"}).status_code == 403
    assert official_client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_enter_result_command(wk_sprint_after_3, capsys):
    call_command("enter_result", wk_sprint_after_3.slug, distance=4, skater="femke kok", time="1.13,57")
    assert "Femke Kok, distance 4 (1000 m): 1:13.57" in capsys.readouterr().out
    assert Result.objects.get(distance__order=4, skater__name="Femke Kok").time == Decimal("73.57")


@pytest.mark.parametrize(
    "options, message",
    [
        ({"distance": 4, "skater": "Femke Kok", "time": "1:75.00"}, "seconds must be below 60"),
        ({"distance": 4, "skater": "Femke Kok", "status": "XX"}, "unknown status"),
        ({"distance": 4, "skater": "Nobody"}, "give --time, --status, or both \\(or --clear\\)"),
        ({"distance": 4, "skater": "Nobody", "time": "1:13.00"}, "no skater 'Nobody'"),
        ({"distance": 9, "skater": "Femke Kok", "time": "1:13.00"}, "has no distance 9"),
    ],
)
def test_enter_result_refuses_bad_input(wk_sprint_after_3, options, message):
    with pytest.raises(CommandError, match=message):
        call_command("enter_result", wk_sprint_after_3.slug, **options)
    assert not Result.objects.filter(distance__order__in=[4, 9]).exists()


def kok_1000(championship):
    return Result.objects.get(distance=final_1000(championship), skater__name="Femke Kok")


# --- stale forms -----------------------------------------------------------------------------------


def test_a_pair_entry_opened_before_another_save_warns_and_overwrites_nothing(
    official_client, wk_sprint_after_3
):
    other = second_official_client(None)
    url = pair_url(wk_sprint_after_3, 5)
    form_a, form_b = opened(official_client, url, "pair-entry"), opened(other, url, "pair-entry")
    assert form_b["inner_version"] == "0"  # Kok had no time when B opened the pair
    form_a["outer_confirm"] = form_b["outer_confirm"] = LEFT_EMPTY  # Takagi's time is for later
    assert official_client.post(url, {**form_a, "inner": "1:14.00"}).status_code == 302
    response = other.post(url, {**form_b, "inner": "1:15.00"})
    assert response.status_code == 200
    page = response.content.decode()
    assert (
        "Inner lane — Femke Kok: 1:14.00 was saved by someone else meanwhile (yours: 1:15.00). Nothing was "
        "overwritten. Save again to replace it with yours, or leave the field blank to keep it."
    ) in page
    assert kok_1000(wk_sprint_after_3).time == Decimal("74.00")
    assert not Result.objects.filter(distance__order=4, skater__name="Miho Takagi").exists()
    # B has now seen 1:14.00: saving again is a deliberate correction.
    fields = form_fields(page, "pair-entry")
    assert fields["inner"] == "1:15.00"
    assert other.post(url, fields).status_code == 302
    assert kok_1000(wk_sprint_after_3).time == Decimal("75.00")


def test_a_stale_pair_entry_with_the_same_time_lands_quietly(official_client, wk_sprint_after_3):
    other = second_official_client(None)
    url = pair_url(wk_sprint_after_3, 5)
    form_a, form_b = opened(official_client, url, "pair-entry"), opened(other, url, "pair-entry")
    form_a["outer_confirm"] = form_b["outer_confirm"] = LEFT_EMPTY
    official_client.post(url, {**form_a, "inner": "1:14.00"})
    response = other.post(url, {**form_b, "inner": "1:14.00"}, follow=True)
    assert "Femke Kok: 1:14.00 (unchanged)" in response.content.decode()
    assert kok_1000(wk_sprint_after_3).version == 1


def test_a_result_change_form_opened_before_another_save_warns_and_overwrites_nothing(
    official_client, wk_sprint_after_3
):
    call_command("enter_result", wk_sprint_after_3.slug, distance=4, skater="Femke Kok", time="1:13.57")
    other = second_official_client(None)
    url = reverse("admin:championships_result_change", args=[kok_1000(wk_sprint_after_3).pk])
    form_a, form_b = opened(official_client, url, "result_form"), opened(other, url, "result_form")
    assert official_client.post(url, {**form_a, "time": "1:14.00"}).status_code == 302
    response = other.post(url, {**form_b, "time": "1:15.00"})
    assert response.status_code == 200
    assert (
        "Femke Kok: 1:14.00 was saved by someone else meanwhile (yours: 1:15.00). Nothing was overwritten. "
        "Save again to replace it with yours."
    ) in response.content.decode()
    assert kok_1000(wk_sprint_after_3).time == Decimal("74.00")


def test_the_result_admin_saves_and_deletes_through_the_one_path(
    official_client, official, wk_sprint_after_3
):
    distance = final_1000(wk_sprint_after_3)
    kok = skater(wk_sprint_after_3, "Femke Kok")
    add = reverse("admin:championships_result_add")
    response = official_client.post(add, {"distance": distance.pk, "skater": kok.pk, "time": "1:13.67"})
    assert response.status_code == 302
    result = kok_1000(wk_sprint_after_3)
    change = reverse("admin:championships_result_change", args=[result.pk])
    response = official_client.post(
        change, {**opened(official_client, change, "result_form"), "time": "1:13.57"}
    )
    assert response.status_code == 302
    assert (kok_1000(wk_sprint_after_3).time, kok_1000(wk_sprint_after_3).version) == (Decimal("73.57"), 2)
    delete = reverse("admin:championships_result_delete", args=[result.pk])
    assert official_client.post(delete, {"post": "yes"}).status_code == 302
    assert not Result.objects.filter(pk=result.pk).exists()
    history = LogEntry.objects.filter(object_id=str(result.pk), user=official).order_by("pk")
    assert [entry.action_flag for entry in history] == [ADDITION, CHANGE, DELETION]


# --- plausible times ---------------------------------------------------------------------------------


def test_a_doubtful_time_in_the_pair_entry_needs_confirming(official_client, wk_sprint_after_3):
    url = pair_url(wk_sprint_after_3, 5)
    form = {**opened(official_client, url, "pair-entry"), "inner": "113.57", "outer": "1:13.13"}
    response = official_client.post(url, form)
    page = response.content.decode()
    assert (
        "Inner lane — Femke Kok: 1:53.57 is slower than any 1000 m in a senior championship (1:04-1:40) — "
        "did you mean 1:13.57? Press Save again to save it."
    ) in page
    asked = form_fields(page, "pair-entry")
    assert (asked["inner_confirm"], asked["outer_confirm"]) == ("1:53.57", "")
    assert not Result.objects.filter(distance=final_1000(wk_sprint_after_3)).exists()
    # Another doubtful time typed over it is asked about again.
    page = official_client.post(url, {**asked, "inner": "3:13.57"}).content.decode()
    assert "Inner lane — Femke Kok: 3:13.57 is slower than any 1000 m" in page
    assert not Result.objects.filter(distance=final_1000(wk_sprint_after_3)).exists()
    # The same time sent again (one more Enter) is saved.
    assert official_client.post(url, asked).status_code == 302
    assert kok_1000(wk_sprint_after_3).time == Decimal("113.57")


@pytest.mark.parametrize(
    "time, message",
    [
        ("1:25.00", "1:25.00 is more than 15% slower than Femke Kok's personal best on 1000 m (1:13.00)"),
        ("1:09.00", "1:09.00 is more than 4% faster than Femke Kok's personal best on 1000 m (1:13.00)"),
    ],
)
def test_a_time_far_from_the_personal_best_needs_confirming(
    official_client, wk_sprint_after_3, time, message
):
    kok = skater(wk_sprint_after_3, "Femke Kok")
    kok.personal_bests.update_or_create(meters=1000, defaults={"time": Decimal("73.00")})
    url = pair_url(wk_sprint_after_3, 5)
    page = unescape(official_client.post(url, {"inner": time}).content.decode())
    assert f"{message} — press Save again to save it." in page
    assert not Result.objects.filter(distance=final_1000(wk_sprint_after_3)).exists()
    # Within 4% faster and 15% slower it is saved as it is.
    assert official_client.post(url, {"inner": "1:10.09", "outer_confirm": LEFT_EMPTY}).status_code == 302


def test_the_plausible_ranges_are_settings(official_client, wk_sprint_after_3, settings):
    settings.PLAUSIBLE_TIMES = {1000: ("1:20", "2:00")}
    page = official_client.post(pair_url(wk_sprint_after_3, 5), {"inner": "1:13.57"}).content.decode()
    assert "1:13.57 is faster than any 1000 m in a senior championship (1:20-2:00) — press Save again" in page
    settings.PLAUSIBLE_TIMES = {}
    response = official_client.post(
        pair_url(wk_sprint_after_3, 5), {"inner": "3:13.57", "outer_confirm": LEFT_EMPTY}
    )
    assert response.status_code == 302


def test_a_doubtful_time_in_the_result_form_needs_confirming(official_client, wk_sprint_after_3):
    data = {
        "distance": final_1000(wk_sprint_after_3).pk,
        "skater": skater(wk_sprint_after_3, "Femke Kok").pk,
        "time": "3:13.57",
    }
    url = reverse("admin:championships_result_add")
    page = official_client.post(url, data).content.decode()
    assert "3:13.57 is slower than any 1000 m in a senior championship (1:04-1:40) — tick confirm" in page
    assert official_client.post(url, {**data, "confirm": "on"}).status_code == 302
    assert kok_1000(wk_sprint_after_3).time == Decimal("193.57")


def test_enter_result_asks_for_confirm(wk_sprint_after_3, capsys):
    options = {"distance": 4, "skater": "Femke Kok", "time": "113.57"}
    with pytest.raises(CommandError, match=r"did you mean 1:13.57\? Give --confirm to save it\."):
        call_command("enter_result", wk_sprint_after_3.slug, **options)
    assert not Result.objects.filter(distance__order=4).exists()
    call_command("enter_result", wk_sprint_after_3.slug, **options, confirm=True)
    assert "Femke Kok, distance 4 (1000 m): 1:53.57" in capsys.readouterr().out


def test_a_saved_doubtful_time_is_not_questioned_again(wk_sprint_after_3):
    distance, kok = final_1000(wk_sprint_after_3), skater(wk_sprint_after_3, "Femke Kok")
    with pytest.raises(ValidationError) as refused:
        save_result(distance, kok, time=Decimal("113.57"))
    assert refused.value.code == "implausible"
    save_result(distance, kok, time=Decimal("113.57"), confirmed=True)
    result, changed = save_result(distance, kok, time=Decimal("113.57"), note="fell in the last inner")
    assert (changed, result.note, result.version) == (True, "fell in the last inner", 2)


# --- the pair entry's pairs ----------------------------------------------------------------------------


def enter(client, championship, pair, inner="", outer="", **fields):
    """Save a pair as the screen does (with its hidden fields); the response, followed."""
    url = pair_url(championship, pair)
    return client.post(
        url, {**opened(client, url, "pair-entry"), "inner": inner, "outer": outer, **fields}, follow=True
    )


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def test_pairs_entered_out_of_order_lead_to_the_pairs_still_to_enter(official_client, wk_sprint_after_3):
    response = enter(official_client, wk_sprint_after_3, 5, "1:13.57", "1:13.13")
    assert response.redirect_chain[-1][0] == pair_url(wk_sprint_after_3, 1)
    assert messages_of(response) == [
        "Femke Kok: 1:13.57",
        "Miho Takagi: 1:13.13",
        "That was the last pair of distance 4 (1000 m); still to enter: pairs 1, 2, 3 and 4.",
    ]
    response = enter(official_client, wk_sprint_after_3, 2, "1:15.40", "1:16.95")
    assert response.redirect_chain[-1][0] == pair_url(wk_sprint_after_3, 3)
    assert messages_of(response) == ["Tian Ruining: 1:15.40", "Kim Min-sun: 1:16.95"]
    response = enter(official_client, wk_sprint_after_3, 4, "1:14.25", "1:12.86")
    assert response.redirect_chain[-1][0] == pair_url(wk_sprint_after_3, 1)
    assert messages_of(response)[-1] == (
        "The pairs after pair 4 of distance 4 (1000 m) are entered; still to enter: pairs 1 and 3."
    )
    enter(official_client, wk_sprint_after_3, 1, "1:15.60", "dq 1:15.28")
    response = enter(official_client, wk_sprint_after_3, 3, "1:15.05", "1:15.10")
    assert response.redirect_chain[-1][0] == pair_url(wk_sprint_after_3, 3)
    assert messages_of(response)[-1] == "Every pair of distance 4 (1000 m) is entered."


def test_the_overview_shows_every_pair_done_partly_or_missing(official_client, wk_sprint_after_3):
    enter(official_client, wk_sprint_after_3, 1, "1:15.60", "dq 1:15.28")
    enter(official_client, wk_sprint_after_3, 3, "1:15.05", "", outer_confirm=LEFT_EMPTY)
    page = official_client.get(pair_url(wk_sprint_after_3, 3)).content.decode()
    assert pair_overview(page) == [
        ["1", "Ellia Smeding 1:15.60", "Isabel Grevelt DQ 1:15.28", "✓ done"],
        ["2", "Tian Ruining", "Kim Min-sun", "missing"],
        ["3", "Vanessa Herzog 1:15.05", "Erin Jackson", "partly"],
        ["4", "Kimi Goetz", "Jutta Leerdam", "missing"],
        ["5", "Femke Kok", "Miho Takagi", "missing"],
    ]
    assert f'<a href="{pair_url(wk_sprint_after_3, 3)}" aria-current="page">3</a>' in page
    assert 'name="outer" autocomplete="off" spellcheck="false" size="12" autofocus' in page  # Jackson's
    assert f'<a href="{pair_url(wk_sprint_after_3, 2)}">2</a>' in page


# --- a lane left empty ----------------------------------------------------------------------------------


def test_a_lane_left_empty_is_caught_and_saved_once_confirmed(official_client, wk_sprint_after_3):
    url = pair_url(wk_sprint_after_3, 3)
    response = official_client.post(url, {**opened(official_client, url, "pair-entry"), "inner": "1:15.05"})
    assert response.status_code == 200
    page = unescape(response.content.decode())
    assert "Outer lane (Erin Jackson) is empty: press Save again to save the inner lane only" in page
    assert "1 problem — nothing of pair 3 was saved yet" in page
    assert not Result.objects.filter(distance=final_1000(wk_sprint_after_3)).exists()
    # One more Enter: the same entries again.
    again = official_client.post(url, form_fields(page, "pair-entry"), follow=True)
    assert again.redirect_chain[-1][0] == pair_url(wk_sprint_after_3, 4)
    assert messages_of(again) == ["Vanessa Herzog: 1:15.05"]
    times = dict(Result.objects.filter(distance__order=4).values_list("skater__name", "time"))
    assert times == {"Vanessa Herzog": Decimal("75.05")}


def test_a_pair_left_empty_is_caught_too(official_client, wk_sprint_after_3):
    url = pair_url(wk_sprint_after_3, 3)
    page = unescape(official_client.post(url, opened(official_client, url, "pair-entry")).content.decode())
    assert (
        "Inner lane (Vanessa Herzog) is empty: press Save again to go on without a result for this lane"
        in page
    )
    assert (
        "Outer lane (Erin Jackson) is empty: press Save again to go on without a result for this lane" in page
    )
    assert "2 problems — nothing of pair 3 was saved yet" in page
    assert official_client.post(url, form_fields(page, "pair-entry")).url == pair_url(wk_sprint_after_3, 4)
    assert not Result.objects.filter(distance__order=4).exists()


def test_the_empty_lane_and_a_doubtful_time_are_asked_at_once(official_client, wk_sprint_after_3):
    url = pair_url(wk_sprint_after_3, 5)
    page = unescape(
        official_client.post(
            url, {**opened(official_client, url, "pair-entry"), "inner": "113.57"}
        ).content.decode()
    )
    assert "2 problems" in page
    assert "Inner lane — Femke Kok: 1:53.57 is slower than any 1000 m" in page
    assert "Outer lane (Miho Takagi) is empty: press Save again to save the inner lane only" in page
    assert official_client.post(url, form_fields(page, "pair-entry")).status_code == 302
    assert kok_1000(wk_sprint_after_3).time == Decimal("113.57")


# --- errors ---------------------------------------------------------------------------------------------


def test_an_error_is_marked_on_its_field_summed_up_and_keeps_the_other_lane(
    official_client, wk_sprint_after_3
):
    url = pair_url(wk_sprint_after_3, 5)
    form = {**opened(official_client, url, "pair-entry"), "inner": "1:75.00", "outer": "1:13.13"}
    page = unescape(official_client.post(url, form).content.decode())
    problem = (
        "Inner lane — Femke Kok: '1:75.00' is not a time: seconds must be below 60 when minutes are given"
    )
    summary = page.split('id="problems" role="alert">')[1].split("</div>")[0]
    assert text(summary).startswith(
        "1 problem — nothing of pair 5 was saved yet, your entries are kept below:"
    )
    assert f'<a href="#id_inner">{problem}</a>' in summary
    assert f'<ul class="errorlist" id="id_inner_error"><li>{problem}</li></ul>' in page
    assert 'aria-invalid="true" aria-describedby="id_inner_helptext id_inner_error"' in page
    assert page.count("aria-invalid") == 1  # only Kok's field
    assert 'name="inner" value="1:75.00"' in page and 'name="outer" value="1:13.13"' in page
    assert not Result.objects.filter(distance=final_1000(wk_sprint_after_3)).exists()
    # Kok's time corrected, Takagi's kept time goes in with it.
    assert (
        official_client.post(url, {**form_fields(page, "pair-entry"), "inner": "1:13.57"}).status_code == 302
    )
    times = dict(Result.objects.filter(distance__order=4).values_list("skater__name", "time"))
    assert times == {"Femke Kok": Decimal("73.57"), "Miho Takagi": Decimal("73.13")}


# --- corrections and clearing ---------------------------------------------------------------------------


def test_a_correction_says_what_it_was_and_what_it_is(official_client, wk_sprint_after_3):
    enter(official_client, wk_sprint_after_3, 5, "1:13.75", "1:13.13")
    response = enter(official_client, wk_sprint_after_3, 5, "1:13.57", "1:13.13")
    assert messages_of(response)[:2] == ["Femke Kok: 1:13.75 → 1:13.57", "Miho Takagi: 1:13.13 (unchanged)"]
    response = enter(official_client, wk_sprint_after_3, 5, "DQ", "1:13.13")
    assert messages_of(response)[0] == "Femke Kok: 1:13.57 → DQ"
    assert (kok_1000(wk_sprint_after_3).status, kok_1000(wk_sprint_after_3).time) == ("DQ", None)


def test_a_result_is_cleared_from_the_entry_once_confirmed(official_client, official, wk_sprint_after_3):
    enter(official_client, wk_sprint_after_3, 5, "1:13.57", "1:13.13")
    result = kok_1000(wk_sprint_after_3)
    url = pair_url(wk_sprint_after_3, 5)
    page = official_client.get(url).content.decode()
    assert '<a href="?clear=inner" aria-label="Clear the result of Femke Kok">clear</a>' in page
    asked = official_client.get(f"{url}?clear=inner").content.decode()
    assert "Clear the result of Femke Kok (inner lane): <strong>1:13.57</strong>?" in asked
    assert Result.objects.filter(pk=result.pk).exists()  # asking removes nothing
    response = official_client.post(url, form_fields(asked, "clear-result"), follow=True)
    assert messages_of(response) == ["Femke Kok (inner lane): 1:13.57 cleared, no result now."]
    assert not Result.objects.filter(pk=result.pk).exists()
    assert LogEntry.objects.get(object_id=str(result.pk), action_flag=DELETION).user == official
    assert pair_overview(response.content.decode())[4] == ["5", "Femke Kok", "Miho Takagi 1:13.13", "partly"]


def test_clearing_a_result_changed_meanwhile_removes_nothing(official_client, wk_sprint_after_3):
    enter(official_client, wk_sprint_after_3, 5, "1:13.57", "1:13.13")
    url = pair_url(wk_sprint_after_3, 5)
    asked = official_client.get(f"{url}?clear=inner").content.decode()
    call_command("enter_result", wk_sprint_after_3.slug, distance=4, skater="Femke Kok", time="1:13.58")
    response = official_client.post(url, form_fields(asked, "clear-result"), follow=True)
    assert messages_of(response) == [
        "Femke Kok: 1:13.58 was saved by someone else meanwhile (yours: no result). Nothing was overwritten. "
        "Look at it, then clear it again if it must go."
    ]
    assert kok_1000(wk_sprint_after_3).time == Decimal("73.58")


# --- save_result and clear_result ------------------------------------------------------------------------


def test_save_result_tells_whether_it_changed_anything_and_counts_versions(wk_sprint_after_3, official):
    distance, kok = final_1000(wk_sprint_after_3), skater(wk_sprint_after_3, "Femke Kok")
    result, changed = save_result(distance, kok, time="1:13.67", expected=0, user=official)
    assert (changed, result.version) == (True, 1)
    result, changed = save_result(distance, kok, time=Decimal("73.67"), expected=0)
    assert (changed, result.version) == (False, 1)  # changed nothing: lands quietly though stale
    result, changed = save_result(distance, kok, time="1:13.57", expected=1, user=official)
    assert (changed, result.time, result.version) == (True, Decimal("73.57"), 2)
    with pytest.raises(StaleResult) as stale:
        save_result(distance, kok, status="dq", expected=1)
    assert (stale.value.current.time, stale.value.current.version) == (Decimal("73.57"), 2)
    result, changed = save_result(distance, kok, status="dq", expected=UNCHANGED_CHECK_OFF)
    assert (result.status, result.time, result.version) == ("DQ", None, 3)
    history = LogEntry.objects.filter(object_id=str(result.pk), user=official)
    assert sorted(history.values_list("action_flag", flat=True)) == [ADDITION, CHANGE]


@pytest.mark.parametrize(
    "entry, message",
    [
        ({"time": "1:75.00"}, "seconds must be below 60"),
        ({"status": "XX"}, "unknown status"),
        ({}, "Enter a time or a status"),
        ({"time": "1:13.57", "splits": ["45.12", "17.85"]}, "Passing times must grow"),
    ],
)
def test_save_result_refuses_bad_input_with_a_clear_message(wk_sprint_after_3, entry, message):
    with pytest.raises(ValidationError, match=message):
        save_result(final_1000(wk_sprint_after_3), skater(wk_sprint_after_3, "Femke Kok"), **entry)
    assert not Result.objects.filter(distance__order=4).exists()


def test_clear_result(wk_sprint_after_3, official):
    distance, kok = final_1000(wk_sprint_after_3), skater(wk_sprint_after_3, "Femke Kok")
    result, _ = save_result(distance, kok, time="1:13.57")
    with pytest.raises(StaleResult):
        clear_result(distance, kok, expected=0)
    assert clear_result(distance, kok, expected=1, user=official) is True
    assert clear_result(distance, kok) is False
    assert LogEntry.objects.get(object_id=str(result.pk)).action_flag == DELETION


def test_enter_result_clear(wk_sprint_after_3, capsys):
    slug = wk_sprint_after_3.slug
    call_command("enter_result", slug, distance=4, skater="Femke Kok", time="1:13.57")
    call_command("enter_result", slug, distance=4, skater="Femke Kok", clear=True)
    assert "Femke Kok, distance 4 (1000 m): result removed" in capsys.readouterr().out
    assert not Result.objects.filter(distance__order=4).exists()
    call_command("enter_result", slug, distance=4, skater="Femke Kok", clear=True)
    assert "Femke Kok, distance 4 (1000 m): had no result" in capsys.readouterr().out
    with pytest.raises(CommandError, match="give --clear alone"):
        call_command("enter_result", slug, distance=4, skater="Femke Kok", clear=True, time="1:13.57")


def test_a_result_removed_meanwhile_is_not_entered_again_unseen(wk_sprint_after_3):
    distance, kok = final_1000(wk_sprint_after_3), skater(wk_sprint_after_3, "Femke Kok")
    save_result(distance, kok, time="1:13.57")
    clear_result(distance, kok)
    with pytest.raises(StaleResult) as stale:
        save_result(distance, kok, time="1:13.67", expected=1)
    assert str(stale.value) == (
        "Femke Kok: the result was removed by someone else meanwhile (yours: 1:13.67). Nothing was overwritten."
    )
    assert not Result.objects.filter(distance=distance).exists()


def test_clearing_needs_the_permission_to_delete_results(client, wk_sprint_after_3):
    user = User.objects.create_user("timekeeper", password="x", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(codename__in=["add_result", "change_result"]))
    client.force_login(user)
    call_command("enter_result", wk_sprint_after_3.slug, distance=4, skater="Femke Kok", time="1:13.57")
    url = pair_url(wk_sprint_after_3, 5)
    assert "?clear=inner" not in client.get(url).content.decode()
    assert client.post(url, {"clear": "inner"}).status_code == 403
    assert kok_1000(wk_sprint_after_3).time == Decimal("73.57")


# --- by keyboard, in Chromium ---------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_distance_entered_by_keyboard(live_server, chromium, seed_data):
    """Times typed and Enter; a doubtful time and a lane left empty caught, each confirmed with one
    more Enter; a correction typed over a saved time; a DQ."""
    from championships.championship_file import load

    championship = load(seed_data, results_until=3)
    username, password = ensure_official()
    page = chromium.new_page(viewport={"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("input[type=submit]")
    page.goto(
        live_server.url
        + reverse("admin:championships_distance_current_pair", args=[final_1000(championship).pk])
    )

    def keys(*typed):
        """Type into the focused field, Tab between fields, Enter at the end; wait for the page."""
        for index, entry in enumerate(typed):
            if index:
                page.keyboard.press("Tab")
            page.keyboard.type(entry)
        with page.expect_navigation():
            page.keyboard.press("Enter")

    def enter_again():
        with page.expect_navigation():
            page.keyboard.press("Enter")

    keys("1:15.60", "dq 1:15.28")  # pair 1
    assert page.get_by_label("Inner lane — Tian Ruining: time or status").evaluate(
        "e => e === document.activeElement"
    )
    keys("1:15.40", "116.95")  # pair 2: 1:56.95, a slip for 1:16.95
    assert "did you mean 1:16.95?" in page.locator("#problems").inner_text()
    page.get_by_label("Outer lane — Kim Min-sun: time or status").fill("1:16.95")
    enter_again()
    keys("1:15.05")  # pair 3: Jackson's lane left empty
    assert "Outer lane (Erin Jackson) is empty" in page.locator("#problems").inner_text()
    enter_again()
    keys("1:14.25", "1:12.86")  # pair 4
    keys("1:13.75", "1:13.13")  # pair 5, the last: back to pair 3, still partly
    assert "still to enter: pair 3." in page.locator("ul.messagelist").inner_text()
    keys("DQ")  # Jackson's lane has the cursor
    with page.expect_navigation():  # the page's script selects the saved time once it has loaded
        page.get_by_role("link", name="5", exact=True).click()
    keys("1:13.57")  # typed over Kok's 1:13.75: the field's text is selected
    assert "Femke Kok: 1:13.75 → 1:13.57" in page.locator("ul.messagelist").inner_text()
    assert "Every pair of distance 4 (1000 m) is entered." in page.locator("ul.messagelist").inner_text()
    shown = {
        name: result_text(time, status)
        for name, time, status in Result.objects.filter(
            distance__order=4, distance__championship=championship
        ).values_list("skater__name", "time", "status")
    }
    assert shown == {
        "Ellia Smeding": "1:15.60",
        "Isabel Grevelt": "DQ 1:15.28",
        "Tian Ruining": "1:15.40",
        "Kim Min-sun": "1:16.95",
        "Vanessa Herzog": "1:15.05",
        "Erin Jackson": "DQ",
        "Kimi Goetz": "1:14.25",
        "Jutta Leerdam": "1:12.86",
        "Femke Kok": "1:13.57",
        "Miho Takagi": "1:13.13",
    }
