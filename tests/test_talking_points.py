"""Talking points for commentators: the pure margins and places of `scoring`, with exact values,
and the sentences of the commentary page on the seed (World Sprint 2024, women) before the final
1000 m, in English and Dutch."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from championships import scoring
from championships.models import Skater
from championships.standings import Standings
from championships.talking_points import TalkingPoints, plausible_times

SLUG = "wk-sprint-2024-women"
D = Decimal


# --- scoring: margins, truncation included ---------------------------------------------------------


@pytest.mark.parametrize(
    ("meters", "to_pass", "to_keep"),
    [
        # Kok 0.335 points behind Takagi. On 1000 m a second is worth exactly 0.5 points: 0.67 s
        # ties, so Kok must be 0.68 s faster and Takagi can lose 0.66 s.
        (500, "0.34", "0.33"),
        (1000, "0.68", "0.66"),
        # On 1500 m the points of each time are truncated: 1.00 s may be worth 0.333 or 0.334
        # points, 1.01 s 0.336 or 0.337, never 0.335.
        (1500, "1.01", "1.00"),
        (3000, "2.02", "2.00"),
        (5000, "3.36", "3.34"),
        (10000, "6.72", "6.68"),
    ],
)
def test_margins_between_two_skaters(meters, to_pass, to_keep):
    assert scoring.margin_to_pass(D("0.335"), meters) == D(to_pass)
    assert scoring.margin_to_keep(D("0.335"), meters) == D(to_keep)


def test_margins_hold_whatever_the_times_on_1500_m():
    # 0.001 points on 1500 m: 0.01 s may be worth 0.003 or 0.004 points, so the least margin that
    # surely passes is 0.01 s (always more than 0.001) and none surely keeps it.
    assert scoring.margin_to_pass(D("0.001"), 1500) == D("0.01")
    assert scoring.margin_to_keep(D("0.001"), 1500) == D("0.00")
    assert scoring.margin_to_keep(D("0.004"), 1500) == D("0.00")
    assert scoring.margin_to_keep(D("0.005"), 1500) == D("0.01")


def test_no_margin_without_a_gap():
    assert scoring.margin_to_pass(D("0"), 1000) is None
    assert scoring.margin_to_keep(D("-0.1"), 1000) is None


def test_place_among_shares_equal_totals():
    assert scoring.place_among(D("147.545"), [D("147.545"), D("148.100"), D("147.000")]) == 2


def test_place_range_with_plausible_times():
    ranges = {1000: (D("64"), D("100"))}
    prospects = [
        scoring.Prospect("a", D("110.000"), (1000,)),
        scoring.Prospect("b", D("120.000"), (1000,)),
        scoring.Prospect("c", D("140.000"), (1000,)),
        scoring.Prospect("d", D("150.000"), ()),  # has skated everything: 150.000 stands
    ]
    # Totals from the fastest to the slowest: a 142..160, b 152..170, c 172..190, d 150.
    assert scoring.place_range(prospects, ranges) == {
        "a": (1, 3),
        "b": (2, 3),  # d's 150.000 stays ahead of b's best
        "c": (4, 4),  # certain of fourth whatever the rest skate
        "d": (1, 2),
    }


def test_the_plausible_times_are_rules_ranges():
    assert plausible_times()[1000] == (D("64.00"), D("100.00"))
    assert plausible_times()[10000] == (D("745.00"), D("990.00"))


# --- the sentences, on the seed -------------------------------------------------------------------


def about(championship):
    points = TalkingPoints(Standings(championship))
    return points, {sp.skater.name: list(sp.sentences) for sp in points.skaters}


def test_before_the_final_1000_m_the_first_pairs(wk_sprint_after_3):
    points, said = about(wk_sprint_after_3)
    assert (points.distance.meters, points.distance.order) == (1000, 4)
    assert list(said) == [
        "Ellia Smeding",
        "Isabel Grevelt",
        "Tian Ruining",
        "Kim Min-sun",
        "Vanessa Herzog",
        "Erin Jackson",
    ]
    assert said["Isabel Grevelt"] == [
        "\u2068Isabel Grevelt\u2069 must be 5.23 s faster than \u2068Miho Takagi\u2069 to take the lead.",
        "\u2068Isabel Grevelt\u2069 must be 3.52 s faster than \u2068Jutta Leerdam\u2069 to reach the podium.",
        "\u2068Isabel Grevelt\u2069 can lose 0.80 s to \u2068Ellia Smeding\u2069 and stay ahead of her.",
        "The track record, 1:13.32, would give her 150.250 points.",
    ]
    # RULES' plausible range on 1000 m is 1:04 to 1:40: anyone can still win, nobody is sure.
    assert points.championship[1] == "Nobody is certain of her place yet, whatever the rest skate."
    assert points.championship[0].count("\u2068") == 10


def enter(name, time):
    call_command("enter_result", SLUG, distance=4, skater=name, time=time)


def test_the_last_pair_with_a_personal_best_and_after_the_others(wk_sprint_after_3):
    Skater.objects.get(name="Femke Kok").personal_bests.create(meters=1000, time=Decimal("72.09"))
    for name, time in [
        ("Ellia Smeding", "1:15.60"),
        ("Isabel Grevelt", "1:15.28"),
        ("Tian Ruining", "1:15.40"),
        ("Kim Min-sun", "1:16.95"),
        ("Vanessa Herzog", "1:15.05"),
        ("Erin Jackson", "1:15.10"),
        ("Kimi Goetz", "1:14.25"),
        ("Jutta Leerdam", "1:12.86"),
    ]:
        enter(name, time)
    _points, said = about(wk_sprint_after_3)
    assert list(said) == ["Femke Kok", "Miho Takagi"]
    assert said["Femke Kok"] == [
        "\u2068Femke Kok\u2069 must be 0.68 s faster than \u2068Miho Takagi\u2069 to take the lead.",
        "\u2068Femke Kok\u2069 stays ahead of \u2068Jutta Leerdam\u2069 with 1:13.89 or faster.",
        "Her personal best, 1:12.09, gives 147.360 points: place 1 so far.",
        "The track record, 1:12.86, would give her 147.745 points: place 1 so far.",
    ]
    assert said["Miho Takagi"] == [
        "\u2068Miho Takagi\u2069 can lose 0.66 s to \u2068Femke Kok\u2069 and stay ahead of her.",
        "The track record, 1:12.86, would give her 147.410 points: place 1 so far.",
    ]


def test_the_time_to_lead_once_the_leader_has_skated(wk_sprint_after_3):
    # What-if the last pair had been drawn the other way round: Takagi has skated, Kok not.
    enter("Miho Takagi", "1:13.13")
    points = TalkingPoints(Standings(wk_sprint_after_3), pairs_ahead=4)
    kok = next(sp for sp in points.skaters if sp.skater.name == "Femke Kok")
    assert kok.sentences[0] == (
        "\u2068Femke Kok\u2069 needs 1:12.45 to pass \u2068Miho Takagi\u2069 for the lead (1:12.46 ties)."
    )
    leerdam = next(sp for sp in points.skaters if sp.skater.name == "Jutta Leerdam")
    assert leerdam.sentences[0] == (
        "\u2068Jutta Leerdam\u2069 needs 1:11.41 to pass \u2068Miho Takagi\u2069 for the lead (1:11.42 ties)."
    )


def test_the_commentary_page_in_english_and_dutch(client, wk_sprint_after_3):
    english = client.get(f"/{SLUG}/commentary/", headers={"accept-language": "en"}).content.decode()
    assert "Talking points, 1000 m #4" in english
    assert "can lose 0.80 s to" in english
    assert "pair 1, on the ice" in english
    dutch = client.get(f"/{SLUG}/commentary/", headers={"accept-language": "nl"}).content.decode()
    assert "moet 5,23 s sneller zijn dan" in dutch
    assert "Het baanrecord, 1.13,32, zou haar 150,250 punten geven." in dutch
    fragment = client.get(f"/{SLUG}/commentary/", headers={"HX-Request": "true"}).content.decode()
    assert fragment.lstrip().startswith('<section id="talking-points"')


def test_before_the_first_distance_only_the_track_record_is_said(db, seed_data):
    from championships.championship_file import load

    points, said = about(load(seed_data, results_until=0))
    assert (points.distance.meters, points.distance.order) == (500, 1)
    # Everyone is level on 0 points: nobody to chase, nobody to stay ahead of.
    assert said["Ellia Smeding"] == ["The track record, 37.12, would give her 37.120 points."]
