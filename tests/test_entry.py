"""Officials enter results: the admin pair entry, the Result admin and `enter_result` share one path."""

from decimal import Decimal

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.management import CommandError, call_command
from django.urls import reverse

from championships.models import Result


def final_1000(championship):
    return championship.distances.get(order=4)


def skater(championship, name):
    return championship.skaters.get(name=name)


def pair_url(championship, pair):
    return reverse("admin:championships_distance_pair", args=[final_1000(championship).pk, pair])


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
    assert "Inner (white): Femke Kok (NED)" in page
    assert "Outer (red): Miho Takagi (JPN)" in page
    assert "autofocus" in page


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
    assert message in response.content.decode()
    # Takagi's valid time was not saved on its own either.
    assert not Result.objects.filter(distance=final_1000(wk_sprint_after_3)).exists()


def test_blank_leaves_an_existing_result_alone(official_client, wk_sprint_after_3):
    official_client.post(pair_url(wk_sprint_after_3, 5), {"inner": "1:13.57", "outer": ""})
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


def test_officials_may_not_change_championships_or_skaters(official_client, wk_sprint_after_3):
    url = reverse("admin:championships_championship_change", args=[wk_sprint_after_3.pk])
    assert official_client.post(url, {"name": "Renamed"}).status_code == 403
    assert official_client.get(reverse("admin:championships_skater_add")).status_code == 403
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
        ({"distance": 4, "skater": "Nobody"}, "give --time, --status, or both"),
        ({"distance": 4, "skater": "Nobody", "time": "1:13.00"}, "no skater 'Nobody'"),
        ({"distance": 9, "skater": "Femke Kok", "time": "1:13.00"}, "has no distance 9"),
    ],
)
def test_enter_result_refuses_bad_input(wk_sprint_after_3, options, message):
    with pytest.raises(CommandError, match=message):
        call_command("enter_result", wk_sprint_after_3.slug, **options)
    assert not Result.objects.filter(distance__order__in=[4, 9]).exists()
