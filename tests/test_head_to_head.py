"""The commentators' view and the live classification while the final distance is under way."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from championships.head_to_head import HeadToHead
from championships.standings import Standings
from tests.support.pages import text


def skater_id(championship, name):
    return championship.skaters.get(name=name).pk


def h2h(championship, a, b):
    standings = Standings(championship)
    return HeadToHead(
        standings,
        standings.skaters[skater_id(championship, a)],
        standings.skaters[skater_id(championship, b)],
    )


def enter(championship, name, time):
    call_command("enter_result", championship.slug, distance=4, skater=name, time=time)


def test_before_the_final_1000_kok_must_be_067_faster(wk_sprint_after_3):
    duel = h2h(wk_sprint_after_3, "Miho Takagi", "Femke Kok")
    assert duel.common == 3
    assert duel.totals == (Decimal("110.980"), Decimal("111.315"))
    assert duel.leader.name == "Miho Takagi"
    assert duel.gap == Decimal("0.335")
    assert duel.gap_seconds == Decimal("0.67")
    assert duel.chase.chaser.name == "Femke Kok"
    assert duel.chase.faster_by == Decimal("0.67")
    assert duel.chase.time is None


def test_after_takagis_11313_kok_needs_11245(wk_sprint_after_3):
    enter(wk_sprint_after_3, "Miho Takagi", "1:13.13")
    chase = h2h(wk_sprint_after_3, "Miho Takagi", "Femke Kok").chase
    # Takagi 110.980 + 36.565 = 147.545. Kok 111.315 + 1:12.46/2 = 147.545 ties; 1:12.45 passes.
    assert chase.chaser.name == "Femke Kok"
    assert chase.time == Decimal("72.45")


def test_direct_races_and_places(wk_sprint_after_3):
    duel = h2h(wk_sprint_after_3, "Miho Takagi", "Femke Kok")
    races = [(r.distance.order, r.winner.name, r.margin) for r in duel.direct_races]
    # The article: "In een directe race pakte ze 0,12 seconden op Miho Takagi".
    assert races == [(2, "Miho Takagi", Decimal("1.03")), (3, "Femke Kok", Decimal("0.12"))]
    assert [(d.order, a, b) for d, a, b in duel.places] == [(1, 2, 1), (2, 1, 2), (3, 1, 2)]


def test_head_to_head_page(client, wk_sprint_after_3):
    a, b = skater_id(wk_sprint_after_3, "Miho Takagi"), skater_id(wk_sprint_after_3, "Femke Kok")
    page = client.get(f"/{wk_sprint_after_3.slug}/h2h/?a={a}&b={b}").content.decode()
    assert "leads by <strong>0.335</strong> points, <strong>0.67 s</strong> on the 1000 m" in page
    assert "Miho Takagi leads by 0.335 points, 0.67 s on the 1000 m." in text(page)
    assert "Femke Kok must be 0.67 s faster than Miho Takagi on the 1000 m." in text(page)
    assert "Femke Kok by 0.12 s" in text(page)
    partial = client.get(f"/{wk_sprint_after_3.slug}/h2h/?a={a}&b={b}", headers={"HX-Request": "true"})
    assert partial.content.decode().lstrip().startswith('<section id="head-to-head"')


@pytest.mark.parametrize("query", ["", "?a=1", "?a=x&b=y", "?a=999999&b=999998"])
def test_head_to_head_without_two_skaters_asks_for_them(client, wk_sprint_after_3, query):
    response = client.get(f"/{wk_sprint_after_3.slug}/h2h/{query}")
    assert response.status_code == 200
    assert "Choose two different skaters." in response.content.decode()


def test_while_the_final_1000_is_skated_the_others_see_what_they_need(client, wk_sprint_after_3):
    enter(wk_sprint_after_3, "Miho Takagi", "1:13.13")
    enter(wk_sprint_after_3, "Jutta Leerdam", "1:12.86")
    enter(wk_sprint_after_3, "Kimi Goetz", "1:14.25")
    rows = {row.skater.name: row for row in Standings(wk_sprint_after_3).rows}
    assert [r.skater.name for r in Standings(wk_sprint_after_3).rows[:3]] == [
        "Miho Takagi",
        "Jutta Leerdam",
        "Kimi Goetz",
    ]
    # Kok 111.315: to lead she must stay below 147.545 (1:12.45), for the podium below Goetz's 150.025.
    assert rows["Femke Kok"].to_lead == Decimal("72.45")
    assert rows["Femke Kok"].to_podium == Decimal("77.41")
    assert rows["Femke Kok"].rank is None and rows["Femke Kok"].status is None
    page = client.get(f"/{wk_sprint_after_3.slug}/").content.decode()
    assert "during the 1000 m" in page
    assert "needs <strong>1:12.45</strong> to lead" in page


def test_distance_page_start_list_current_pair_and_direct_races(client, wk_sprint_after_3):
    enter(wk_sprint_after_3, "Ellia Smeding", "1:15.60")
    call_command(
        "enter_result",
        wk_sprint_after_3.slug,
        distance=4,
        skater="Isabel Grevelt",
        status="DQ",
        time="1:15.28",
    )
    page = client.get(f"/{wk_sprint_after_3.slug}/distances/4/").content.decode()
    assert (
        '<tr id="distance-4-pair-2" class="current">\n        <td class="num">2 <span class="badge badge-now">next</span>'
        in page
    )
    second_500 = client.get(f"/{wk_sprint_after_3.slug}/distances/3/").content.decode()
    assert "Femke Kok by 0.12" in text(second_500)
    assert "+0.04" in second_500  # Kim second, 0.04 behind Kok
    assert "+0.50" in second_500  # Leerdam "op precies een halve tel"


def test_passing_times_show_who_gained_where(client, wk_sprint_after_3):
    from championships.forms import result_form

    distance = wk_sprint_after_3.distances.get(order=4)
    for name, time, splits in (
        ("Miho Takagi", "73.13", "17.95 45.10"),
        ("Femke Kok", "73.57", "17.85 45.30"),
    ):
        form = result_form(distance, wk_sprint_after_3.skaters.get(name=name), Decimal(time))
        form.data["splits"] = splits
        assert form.is_valid(), form.errors
        form.save()
    duel = h2h(wk_sprint_after_3, "Miho Takagi", "Femke Kok").split_duels[0]
    # Gap Kok - Takagi: -0.10 at 200 m (Kok ahead), +0.20 at 600 m, +0.44 at the finish.
    assert [(p.label, p.gap, p.lap_change) for p in duel.passings] == [
        ("1", Decimal("-0.10"), Decimal("-0.10")),
        ("2", Decimal("0.20"), Decimal("0.30")),
        ("finish", Decimal("0.44"), Decimal("0.24")),
    ]
    a, b = skater_id(wk_sprint_after_3, "Miho Takagi"), skater_id(wk_sprint_after_3, "Femke Kok")
    page = client.get(f"/{wk_sprint_after_3.slug}/h2h/?a={a}&b={b}").content.decode()
    assert "Femke Kok +0.10" in text(page)
    assert "Miho Takagi +0.30" in text(page)


def test_lap_by_lap_against_the_live_passings_of_a_skater_on_the_ice(client, wk_sprint_after_3):
    from championships.forms import result_form
    from championships.timing.models import Race

    distance = wk_sprint_after_3.distances.get(order=4)
    form = result_form(distance, wk_sprint_after_3.skaters.get(name="Miho Takagi"), Decimal("73.13"))
    form.data["splits"] = "17.95 45.10"
    assert form.is_valid(), form.errors
    form.save()
    # Kok is on the ice: the timing feed has her at 200 m (measured 17.857 s), not yet at 600 m.
    Race.objects.create(
        distance=distance,
        skater=wk_sprint_after_3.skaters.get(name="Femke Kok"),
        pair=5,
        lane="inner",
        passings={"200": {"time": "17.857", "source": "transponder"}},
    )
    duel = h2h(wk_sprint_after_3, "Miho Takagi", "Femke Kok").split_duels[0]
    assert duel.distance.order == 4
    assert [(p.meters, p.time_a, p.time_b, p.gap) for p in duel.passings] == [
        (200, Decimal("17.95"), Decimal("17.85"), Decimal("-0.10")),
    ]
    a, b = skater_id(wk_sprint_after_3, "Miho Takagi"), skater_id(wk_sprint_after_3, "Femke Kok")
    page = text(client.get(f"/{wk_sprint_after_3.slug}/h2h/?a={a}&b={b}").content.decode())
    assert "Passing times, 1000 m #4" in page
    assert "200 m 17.95 17.85 -0.10 Femke Kok +0.10" in page


def test_the_classification_links_each_skater_against_the_leader(client, wk_sprint_after_3):
    slug, kok = wk_sprint_after_3.slug, skater_id(wk_sprint_after_3, "Femke Kok")
    assert f'href="/{slug}/h2h/?b={kok}"' in client.get(f"/{slug}/").content.decode()
    page = text(client.get(f"/{slug}/h2h/?b={kok}").content.decode())  # a: the leader, Takagi
    assert "Miho Takagi leads by 0.335 points, 0.67 s on the 1000 m." in page
    assert "Femke Kok must be 0.67 s faster than Miho Takagi on the 1000 m." in page
