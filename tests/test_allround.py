"""Allround: the cut before the last distance, NQ rows, drawn start lists, splits."""

import pytest

from championships.championship_file import load
from championships.draw import DrawError, propose_start_list
from championships.forms import ResultForm
from championships.models import Start
from championships.standings import Standings
from championships.start_lists import save_start_list

NAMES = "ABCDEFGHIJ"
# 3000 m order A B C D E F G I H J; 1500 m puts H ahead of I in the classification.
THREE_K = dict(
    zip(
        "ABCDEFGIHJ",
        [
            "4:00.00",
            "4:01.00",
            "4:02.00",
            "4:03.00",
            "4:04.00",
            "4:05.00",
            "4:06.00",
            "4:07.00",
            "4:08.00",
            "4:09.00",
        ],
    )
)
FIFTEEN = dict.fromkeys(NAMES, "2:00.00") | {"I": "2:01.00"}


def allround_file(final=True, withdrawn=()):
    results = []
    for name in NAMES:
        results += [
            {"distance": 1, "skater": name, "time": "40.00"},
            {"distance": 2, "skater": name, "time": THREE_K[name]},
            {"distance": 3, "skater": name, "time": FIFTEEN[name]},
        ]
    for name in withdrawn:
        results.append({"distance": 4, "skater": name, "status": "WDR"})
    if final:
        results += [
            {"distance": 4, "skater": "A", "time": "7:10.00"},
            {"distance": 4, "skater": "B", "time": "7:00.00"},
        ]
        results += [{"distance": 4, "skater": name, "time": "7:20.00"} for name in "CDEFGH"]
    return {
        "format": "sprintboard-championship",
        "version": 1,
        "name": "Allround test",
        "kind": "allround",
        "distances": [{"order": i, "meters": m} for i, m in enumerate([500, 3000, 1500, 5000], start=1)],
        "skaters": [{"name": name, "country": "NED"} for name in NAMES],
        "results": results,
    }


def rows(client, championship, **query):
    url = f"/{championship.slug}/standings.json"
    return client.get(url, query).json()["rows"]


@pytest.mark.django_db
def test_after_three_distances_the_best_eight_of_two_lists_are_marked(client):
    championship = load(allround_file(final=False))
    assert championship.final_places == 8
    marks = {row.skater.name: row.qualification for row in Standings(championship).rows}
    # A-G are top 8 on both lists; H (8th overall, 9th on the 3000) and I (9th overall, 8th on the
    # 3000) share a best rank of 8: the classification decides, so H takes the last place.
    assert marks == {**dict.fromkeys("ABCDEFGH", "Q"), "I": "NQ", "J": "NQ"}
    table = rows(client, championship)
    # 3000 m points truncate: B 241.00 / 6 = 40.166; 0.166 points = 1.66 s on the 5000 m (x10).
    assert [(r["skater"]["name"], r["points"], r["behind_leader_seconds"]) for r in table[:2]] == [
        ("A", "120.000", None),
        ("B", "120.166", "1.66"),
    ]
    assert [(r["skater"]["name"], r["points"]) for r in table[7:]] == [
        ("H", "121.333"),
        ("I", "121.499"),
        ("J", "121.500"),
    ]
    page = client.get(f"/{championship.slug}/").content.decode()
    assert "The best 8 skate the last distance" in page
    assert page.count('<span class="badge badge-nq"') == 2


@pytest.mark.django_db
def test_after_the_last_distance_the_non_qualified_follow_the_finalists(client):
    table = rows(client, load(allround_file()))
    assert [(r["rank"], r["skater"]["name"], r["points"], r["status"]) for r in table] == [
        (1, "B", "162.166", None),
        (2, "A", "163.000", None),
        (3, "C", "164.333", None),
        (4, "D", "164.500", None),
        (5, "E", "164.666", None),
        (6, "F", "164.833", None),
        (7, "G", "165.000", None),
        (8, "H", "165.333", None),
        (9, "I", "121.499", "NQ"),
        (10, "J", "121.500", "NQ"),
    ]


@pytest.mark.django_db
def test_a_withdrawn_finalist_is_replaced_by_the_next_eligible():
    championship = load(allround_file(final=False, withdrawn="H"))
    marks = {row.skater.name: row.qualification for row in Standings(championship).rows}
    assert marks["I"] == "Q"
    assert marks["J"] == "NQ"


@pytest.mark.django_db
def test_the_final_start_list_is_drawn_from_the_qualified_leaders_last():
    championship = load(allround_file(final=False))
    final = championship.distances.get(order=4)
    starts = save_start_list(final, propose_start_list(final).pairs)
    pairs = {}
    for start in starts:
        pairs.setdefault(start.pair, {})[start.lane] = championship.skaters.get(pk=start.skater_id).name
    assert len(starts) == 8
    assert pairs[4] == {"inner": "B", "outer": "A"}
    assert pairs[1] == {"inner": "H", "outer": "G"}
    # Proposed again with that start list saved: the same eight (not read as seven withdrawals).
    assert [p.inner.name for p in propose_start_list(final).pairs] == ["H", "F", "D", "B"]


def test_sprint_draw_swaps_lanes_and_puts_the_leaders_last(wk_sprint):
    for order in (4, 3):  # the results of 4 go first: 4 is drawn on those of 3
        distance = wk_sprint.distances.get(order=order)
        first_time = dict(
            Start.objects.filter(distance__order=order - 2, distance__championship=wk_sprint).values_list(
                "skater__name", "lane"
            )
        )
        distance.results.all().delete()
        save_start_list(distance, propose_start_list(distance).pairs)
        drawn = dict(distance.starts.values_list("skater__name", "lane"))
        assert all(drawn[name] != first_time[name] for name in first_time), order
    last = dict(wk_sprint.distances.get(order=4).starts.filter(pair=5).values_list("lane", "skater__name"))
    assert last == {"inner": "Femke Kok", "outer": "Miho Takagi"}  # as in the real start list


def test_the_first_distance_cannot_be_drawn(wk_sprint):
    wk_sprint.distances.get(order=1).starts.all().delete()
    with pytest.raises(DrawError, match="first distance"):
        propose_start_list(wk_sprint.distances.get(order=1))


def test_splits_are_entered_in_any_notation_and_shown(client, wk_sprint_after_3):
    distance = wk_sprint_after_3.distances.get(order=4)
    kok = wk_sprint_after_3.skaters.get(name="Femke Kok")
    form = ResultForm(
        {"distance": distance.pk, "skater": kok.pk, "time": "1:13.57", "splits": "17,85; 45.12"}
    )
    assert form.is_valid(), form.errors
    form.save()
    assert "17.85 · 45.12" in client.get(f"/{wk_sprint_after_3.slug}/distances/4/").content.decode()
    bad = ResultForm({"distance": distance.pk, "skater": kok.pk, "time": "1:13.57", "splits": "45.12 17.85"})
    assert "Passing times must grow" in str(bad.errors)
    late = ResultForm(
        {"distance": distance.pk, "skater": kok.pk, "time": "1:13.57", "splits": "17.85 1:14.00"},
        instance=kok.results.get(distance=distance),
    )
    assert "below the finish time" in str(late.errors)
