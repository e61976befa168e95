import math
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from championships.scoring import (
    OTHER_LANE,
    Cell,
    Distance,
    Placing,
    Record,
    Result,
    classify,
    normalise_status,
    official_time,
    points,
    propose_pairs,
    qualify_for_final,
    rank_distance,
    record_badges,
    seconds_on,
    time_to_beat,
    time_to_tie,
)
from championships.times import parse_time
from tests.support.seed import seed_data

D = Decimal
SPRINT = (Distance(1, 500), Distance(2, 1000), Distance(3, 500), Distance(4, 1000))
ALLROUND_MEN = (Distance(1, 500), Distance(2, 5000), Distance(3, 1500), Distance(4, 10000))
ALLROUND_WOMEN = (Distance(1, 500), Distance(2, 3000), Distance(3, 1500), Distance(4, 5000))

# World Sprint Championships 2024, women, Inzell: the seed championship's times, distances 1 to 4.
WORLD_SPRINT_2024 = {
    "Takagi": ("37.13", "1:13.32", "37.19", "1:13.13"),
    "Kok": ("37.07", "1:14.35", "37.07", "1:13.57"),
    "Leerdam": ("37.41", "1:13.71", "37.57", "1:12.86"),
    "Jackson": ("37.40", "1:15.72", "37.13", "1:15.10"),
    "Herzog": ("37.57", "1:15.56", "37.41", "1:15.05"),
    "Goetz": ("37.68", "1:14.70", "37.87", "1:14.25"),
    "Kim": ("37.36", "1:17.35", "37.11", "1:16.95"),
    "Tian": ("37.88", "1:15.52", "37.70", "1:15.40"),
    "Grevelt": ("38.03", "1:15.02", "38.05", "1:15.28"),  # disqualified on the last 1000 m
    "Smeding": ("38.21", "1:15.91", "37.83", "1:15.60"),
}
PAIRS_2024 = (
    ("Smeding Grevelt", "Kim Herzog", "Jackson Takagi", "Kok Tian", "Leerdam Goetz"),
    ("Kim Smeding", "Jackson Herzog", "Grevelt Tian", "Leerdam Goetz", "Takagi Kok"),
    ("Tian Kim", "Goetz Smeding", "Grevelt Jackson", "Herzog Leerdam", "Takagi Kok"),
    ("Smeding Grevelt", "Tian Kim", "Herzog Jackson", "Goetz Leerdam", "Kok Takagi"),
)
SKATERS_2024 = list(WORLD_SPRINT_2024)


def world_sprint_2024():
    pair_of = {
        (skater, distance): pair
        for distance, pairs in enumerate(PAIRS_2024, start=1)
        for pair, skaters in enumerate(pairs, start=1)
        for skater in skaters.split()
    }
    return [
        Result(
            skater,
            distance,
            parse_time(text),
            status="DQ" if (skater, distance) == ("Grevelt", 4) else None,
            pair=pair_of[skater, distance],
        )
        for skater, texts in WORLD_SPRINT_2024.items()
        for distance, text in enumerate(texts, start=1)
    ]


def row_of(classification, skater):
    return next(row for row in classification.rows if row.skater == skater)


# Statuses


@pytest.mark.parametrize(
    "code, status",
    [
        ("DQ", "DQ"),
        (" dsq ", "DQ"),
        ("DNS", "DNS"),
        ("ns", "DNS"),
        ("DNF", "DNF"),
        ("NF", "DNF"),
        ("WDR", "WDR"),
        ("ret", "WDR"),
        ("Wd", "WDR"),
    ],
)
def test_normalise_status(code, status):
    assert normalise_status(code) == status


def test_unknown_status():
    with pytest.raises(ValueError, match=r"^unknown status 'X': use DQ, DNS, DNF or WDR$"):
        normalise_status("X")


def test_result_needs_a_time_or_a_known_status():
    with pytest.raises(ValueError, match="time or a status"):
        Result("Kok", 1, None)
    with pytest.raises(ValueError, match="unknown status"):
        Result("Kok", 1, D("37.07"), status="DSQ")
    assert Result("Kok", 1, D("37.07")).counts
    assert not Result("Grevelt", 4, D("75.28"), status="DQ").counts


# Points


def test_stolz_world_allround_2024_is_truncated_per_distance():
    times = [D("34.10"), parse_time("6:14.76"), parse_time("1:41.78"), parse_time("13:04.76")]
    results = [Result("Stolz", d.order, t) for d, t in zip(ALLROUND_MEN, times)]
    row = classify(ALLROUND_MEN, ["Stolz"], results).rows[0]
    assert [cell.points for cell in row.cells] == [D("34.100"), D("37.476"), D("33.926"), D("39.238")]
    assert row.points == D("144.740")
    # Rounding each distance instead would give the 1500 m 33.927 and a total one thousandth more.
    rounded = sum(
        (t * 500 / d.meters).quantize(D("0.001"), ROUND_HALF_UP) for d, t in zip(ALLROUND_MEN, times)
    )
    assert rounded == D("144.741")


@pytest.mark.parametrize(
    "time, meters, truncated, rounded",
    [
        # t, t/2 and t/10 of a time in hundredths have at most 3 decimals: nothing to cut.
        ("37.07", 500, "37.070", "37.070"),
        ("1:13.33", 1000, "36.665", "36.665"),
        ("6:14.77", 5000, "37.477", "37.477"),
        # t/3, t/6, t/20 (and t*5/3 on 300 m) have more: truncation shows.
        ("1:41.78", 1500, "33.926", "33.927"),
        ("4:01.27", 3000, "40.211", "40.212"),
        ("13:04.79", 10000, "39.239", "39.240"),
        ("24.01", 300, "40.016", "40.017"),
    ],
)
def test_points_are_truncated(time, meters, truncated, rounded):
    time = parse_time(time)
    assert points(time, meters) == D(truncated)
    assert (time * 500 / meters).quantize(D("0.001"), ROUND_HALF_UP) == D(rounded)


@pytest.mark.parametrize(
    "deficit, meters, seconds",
    [
        ("0.335", 1000, "0.67"),
        ("0.855", 1000, "1.71"),
        ("0.335", 500, "0.34"),
        ("0.001", 1500, "0.01"),
        ("2.480", 10000, "49.60"),
        ("0.000", 1000, "0.00"),
    ],
)
def test_seconds_on(deficit, meters, seconds):
    assert seconds_on(D(deficit), meters) == D(seconds)


# One distance


def test_distance_ranks_and_margins_world_sprint_2024():
    placings = rank_distance([r for r in world_sprint_2024() if r.distance == 3], 500)
    assert [(p.skater, p.rank, p.behind_winner) for p in placings[:6]] == [
        ("Kok", 1, D("0.00")),
        ("Kim", 2, D("0.04")),
        ("Jackson", 3, D("0.06")),
        ("Takagi", 4, D("0.12")),
        ("Herzog", 5, D("0.34")),
        ("Leerdam", 6, D("0.50")),
    ]
    assert placings[0].points == D("37.070")


def test_status_rows_follow_unranked_with_their_time_shown():
    placings = rank_distance([r for r in world_sprint_2024() if r.distance == 4], 1000)
    assert [p.skater for p in placings[:3]] == ["Leerdam", "Takagi", "Kok"]
    assert placings[-1] == Placing(
        skater="Grevelt", time=D("75.28"), status="DQ", points=None, rank=None, behind_winner=None
    )


def test_equal_times_share_a_rank_and_skip_the_next():
    results = [
        Result("A", 1, D("37.10")),
        Result("B", 1, None, status="DNS"),
        Result("C", 1, D("37.20")),
        Result("D", 1, D("37.00")),
        Result("E", 1, D("37.10")),
        Result("F", 1, D("36.00"), status="DQ"),
    ]
    placings = rank_distance(results, 500)
    assert [(p.skater, p.rank, p.behind_winner) for p in placings] == [
        ("D", 1, D("0.00")),
        ("A", 2, D("0.10")),
        ("E", 2, D("0.10")),
        ("C", 4, D("0.20")),
        ("B", None, None),
        ("F", None, None),
    ]


# Classification


def test_world_sprint_2024_after_three_distances():
    classification = classify(SPRINT, SKATERS_2024, world_sprint_2024(), after=3)
    assert classification.after == 3
    assert classification.next_distance == Distance(4, 1000)
    assert [(r.rank, r.skater, r.points, r.behind_leader_seconds) for r in classification.rows] == [
        (1, "Takagi", D("110.980"), None),
        (2, "Kok", D("111.315"), D("0.67")),
        (3, "Leerdam", D("111.835"), D("1.71")),
        (4, "Jackson", D("112.390"), D("2.82")),
        (5, "Herzog", D("112.760"), D("3.56")),
        (6, "Goetz", D("112.900"), D("3.84")),
        (7, "Kim", D("113.145"), D("4.33")),
        (8, "Tian", D("113.340"), D("4.72")),
        (9, "Grevelt", D("113.590"), D("5.22")),
        (10, "Smeding", D("113.995"), D("6.03")),
    ]
    takagi, kok, leerdam = classification.rows[:3]
    assert (takagi.behind_leader, takagi.behind_previous) == (None, None)
    assert (kok.behind_leader, kok.behind_previous) == (D("0.335"), D("0.335"))
    assert (leerdam.behind_leader, leerdam.behind_previous) == (D("0.855"), D("0.520"))
    assert kok.cells[0] == Cell(distance=1, time=D("37.07"), status=None, points=D("37.070"), rank=1)
    assert len(kok.cells) == 3
    assert all(row.classified and row.status is None for row in classification.rows)


def test_position_change_since_the_previous_distance():
    results = world_sprint_2024()
    assert row_of(classify(SPRINT, SKATERS_2024, results, after=2), "Grevelt").rank == 7
    grevelt = row_of(classify(SPRINT, SKATERS_2024, results, after=3), "Grevelt")
    assert (grevelt.rank, grevelt.change) == (9, -2)
    assert row_of(classify(SPRINT, SKATERS_2024, results, after=3), "Kim").change == 2
    assert row_of(classify(SPRINT, SKATERS_2024, results, after=3), "Takagi").change == 0
    assert all(row.change is None for row in classify(SPRINT, SKATERS_2024, results, after=1).rows)


def test_world_sprint_2024_final_classification_with_a_disqualification():
    classification = classify(SPRINT, SKATERS_2024, world_sprint_2024())
    assert (classification.after, classification.next_distance) == (4, None)
    assert [(r.rank, r.skater, r.points) for r in classification.rows[:3]] == [
        (1, "Takagi", D("147.545")),
        (2, "Kok", D("148.100")),
        (3, "Leerdam", D("148.265")),
    ]
    assert all(row.behind_leader_seconds is None for row in classification.rows)
    grevelt = classification.rows[-1]
    assert (grevelt.skater, grevelt.classified, grevelt.status, grevelt.rank, grevelt.points) == (
        "Grevelt",
        False,
        "NC",
        None,
        None,
    )
    assert grevelt.cells[3] == Cell(distance=4, time=D("75.28"), status="DQ", points=None, rank=None)
    assert grevelt.cells[0].points == D("38.030")
    assert [row.rank for row in classification.rows[:-1]] == list(range(1, 10))


def test_skaters_still_to_skate_during_a_distance():
    # The last pair (Kok, Takagi) of the final 1000 m has not skated yet.
    results = [r for r in world_sprint_2024() if not (r.distance == 4 and r.pair == 5)]
    # Skaters given in reverse, so that only their totals put Takagi before Kok.
    classification = classify(SPRINT, SKATERS_2024[::-1], results)
    assert classification.after == 4
    rows = classification.rows
    assert [(r.rank, r.skater) for r in rows[:2]] == [(1, "Leerdam"), (2, "Jackson")]
    assert rows[0].change == 2
    assert [(r.skater, r.classified, r.status, r.rank, r.points) for r in rows[-3:]] == [
        ("Takagi", False, None, None, None),
        ("Kok", False, None, None, None),
        ("Grevelt", False, "NC", None, None),
    ]
    assert rows[-2].cells[3] == Cell(distance=4, time=None, status=None, points=None, rank=None)


def test_nothing_skated_yet():
    classification = classify(SPRINT, ["A", "B"], [])
    assert (classification.after, classification.next_distance) == (None, Distance(1, 500))
    assert [(r.skater, r.classified, r.rank, r.cells) for r in classification.rows] == [
        ("A", False, None, ()),
        ("B", False, None, ()),
    ]


def test_classification_after_an_unknown_distance_is_refused():
    with pytest.raises(ValueError, match="there is no distance 5"):
        classify(SPRINT, ["A"], [Result("A", 1, D("37.00"))], after=5)


def test_two_results_on_one_distance_are_refused():
    with pytest.raises(ValueError, match="two results"):
        classify(SPRINT, ["A"], [Result("A", 1, D("37.00")), Result("A", 1, D("37.10"))])


TIED_FIELD = [
    Result("A", 1, D("36.90")),
    Result("A", 2, D("74.00")),  # 73.900
    Result("B", 1, D("37.00")),
    Result("B", 2, D("74.00")),  # 74.000
    Result("C", 1, D("37.10")),
    Result("C", 2, D("73.80")),  # 74.000
    Result("D", 1, D("37.00")),
    Result("D", 2, D("74.20")),  # 74.100
]


def test_equal_totals_share_a_rank():
    rows = classify(SPRINT, ["A", "B", "C", "D"], TIED_FIELD).rows
    assert [(r.skater, r.rank, r.behind_previous) for r in rows] == [
        ("A", 1, None),
        ("B", 2, D("0.100")),
        ("C", 2, D("0.000")),
        ("D", 4, D("0.100")),
    ]
    # Equal totals keep the order of the skaters as given.
    assert [r.skater for r in classify(SPRINT, ["D", "C", "B", "A"], TIED_FIELD).rows] == ["A", "C", "B", "D"]


def test_the_tie_break_is_replaceable():
    last_distance = {r.skater: r.time for r in TIED_FIELD if r.distance == 2}

    def faster_on_the_last_distance(standing):
        ordered = sorted(standing, key=lambda entry: (entry[1], last_distance[entry[0]]))
        return [(skater, rank) for rank, (skater, _) in enumerate(ordered, start=1)]

    rows = classify(SPRINT, ["A", "B", "C", "D"], TIED_FIELD, tie_break=faster_on_the_last_distance).rows
    assert [(r.skater, r.rank) for r in rows] == [("A", 1), ("C", 2), ("B", 3), ("D", 4)]


# Records


TRACK_RECORDS_2024 = [Record("TR", 500, D("37.12")), Record("TR", 1000, D("73.40"))]


def test_world_sprint_2024_track_records():
    book = record_badges(SPRINT, world_sprint_2024(), TRACK_RECORDS_2024)
    assert book.badges == {
        ("Kok", 1): ("TR",),
        ("Takagi", 2): ("TR",),
        ("Kok", 3): ("=TR",),
        ("Leerdam", 4): ("TR",),
    }
    assert book.records == {("TR", 500, None): D("37.07"), ("TR", 1000, None): D("72.86")}
    assert TRACK_RECORDS_2024[0].time == D("37.12")


def test_personal_bests_improve_during_the_championship():
    # Personal bests made up for the test.
    bests = {("Jackson", 500): D("37.45"), ("Kok", 500): D("37.10"), ("Takagi", 1000): D("73.00")}
    badges = record_badges(SPRINT, world_sprint_2024(), TRACK_RECORDS_2024, bests).badges
    assert badges["Jackson", 1] == ("PB",)
    assert badges["Jackson", 3] == ("PB",)  # 37.13 after her 37.40
    assert badges["Kok", 1] == ("TR", "PB")
    assert badges["Kok", 3] == ("=TR",)  # equal to her new best: no PB
    assert badges["Takagi", 2] == ("TR",)


def test_a_pair_is_measured_against_the_record_before_it():
    results = [
        Result("Alone", 1, D("36.70")),  # no pair: skated after the pairs
        Result("A", 1, D("36.90"), pair=1),
        Result("B", 1, D("36.95"), pair=1),  # also under 37.00, but slower than her pair-mate
        Result("C", 1, D("36.90"), pair=2),
        Result("D", 1, D("36.90"), pair=2),
        Result("E", 1, D("36.80"), pair=3),
        Result("F", 1, D("36.90"), pair=3),  # equalled the record her pair-mate broke
        Result("G", 1, D("36.50"), status="DQ", pair=4),
    ]
    book = record_badges(SPRINT, results, [Record("TR", 500, D("37.00"))])
    assert book.badges == {
        ("A", 1): ("TR",),
        ("C", 1): ("=TR",),
        ("D", 1): ("=TR",),
        ("E", 1): ("TR",),
        ("Alone", 1): ("TR",),
    }
    assert book.records == {("TR", 500, None): D("36.70")}


def test_no_track_record_badge_without_a_known_record():
    assert record_badges(SPRINT, [Result("A", 1, D("37.00"))], []).badges == {}


# Time to beat


def test_time_to_beat_kok_on_the_final_1000m_2024():
    # Takagi finished on 147.545 with 1:13.13; Kok had 111.315 after three distances.
    assert time_to_beat(D("111.315"), D("147.545"), 1000) == D("72.45")
    assert D("111.315") + points(D("72.45"), 1000) == D("147.540")
    assert D("111.315") + points(D("72.46"), 1000) == D("147.545")  # a tie, not a pass
    assert time_to_tie(D("111.315"), D("147.545"), 1000) == D("72.46")


def test_time_to_beat_where_truncation_matters():
    # 10000 m points are t/20: 784.79 s is 39.2395, truncated to 39.239.
    assert time_to_tie(D("100.000"), D("139.239"), 10000) == D("784.79")
    assert time_to_beat(D("100.000"), D("139.239"), 10000) == D("784.77")
    assert time_to_beat(D("110.000"), D("143.927"), 1500) == D("101.78")


def test_no_time_to_beat_when_out_of_reach():
    assert time_to_beat(D("111.315"), D("111.315"), 1000) is None
    assert time_to_beat(D("111.315"), D("110.980"), 1000) is None
    assert time_to_beat(D("111.000"), D("111.005"), 1000) is None
    assert time_to_tie(D("111.000"), D("111.005"), 1000) == D("0.01")


METERS = st.sampled_from([500, 1000, 1500, 3000, 5000, 10000])
TOTALS = st.integers(min_value=0, max_value=200_000).map(lambda thousandths: D(thousandths).scaleb(-3))


@settings(max_examples=200)
@given(TOTALS, TOTALS, METERS)
def test_time_to_beat_is_the_slowest_passing_time(chaser, target, meters):
    time = time_to_beat(chaser, target, meters)
    if time is None:
        assert chaser + points(D("0.01"), meters) >= target
    else:
        assert time.as_tuple().exponent == -2
        assert chaser + points(time, meters) < target
        assert chaser + points(time + D("0.01"), meters) >= target


# Properties of the classification


@st.composite
def championships(draw):
    distances = draw(st.sampled_from([SPRINT, ALLROUND_MEN, ALLROUND_WOMEN]))
    skaters = list(range(draw(st.integers(min_value=2, max_value=6))))
    results = []
    for distance in distances[: draw(st.integers(min_value=1, max_value=4))]:
        # Times within a few hundredths per 500 m, so that equal times and totals happen.
        fastest = 3700 * distance.meters // 500
        for skater in skaters:
            kind = draw(st.sampled_from(["time"] * 8 + ["status", "none"]))
            time = D(draw(st.integers(fastest, fastest + 20))).scaleb(-2)
            if kind == "time":
                results.append(Result(skater, distance.order, time))
            elif kind == "status":
                status = draw(st.sampled_from(["DQ", "DNF"]))
                results.append(Result(skater, distance.order, time, status=status))
    return distances, skaters, results


@settings(max_examples=60)
@given(championships(), st.randoms())
def test_classification_does_not_depend_on_the_order_of_results(championship, random):
    distances, skaters, results = championship
    shuffled = random.sample(results, len(results))
    assert classify(distances, skaters, shuffled) == classify(distances, skaters, results)


@settings(max_examples=60)
@given(championships(), st.data())
def test_a_faster_time_never_costs_places(championship, data):
    distances, skaters, results = championship
    counting = [i for i, r in enumerate(results) if r.counts]
    if not counting:
        return
    i = data.draw(st.sampled_from(counting))
    before = results[i]
    gain = D(data.draw(st.integers(min_value=1, max_value=100))).scaleb(-2)
    faster = Result(before.skater, before.distance, before.time - gain)
    improved = [*results[:i], faster, *results[i + 1 :]]
    for after in range(before.distance, max(r.distance for r in results) + 1):
        old = row_of(classify(distances, skaters, results, after=after), before.skater)
        new = row_of(classify(distances, skaters, improved, after=after), before.skater)
        assert new.cells[before.distance - 1].rank <= old.cells[before.distance - 1].rank
        if old.classified:
            assert new.rank <= old.rank


@settings(max_examples=60)
@given(championships())
def test_deficit_in_seconds_is_points_times_metres_over_500_rounded_up(championship):
    distances, skaters, results = championship
    classification = classify(distances, skaters, results)
    meters = classification.next_distance.meters if classification.next_distance else None
    for row in classification.rows[1:]:
        if not row.classified or meters is None:
            assert row.behind_leader_seconds is None
            continue
        exact = row.behind_leader * meters / 500
        assert row.behind_leader_seconds == seconds_on(row.behind_leader, meters)
        assert exact <= row.behind_leader_seconds < exact + D("0.01")
        # A thousandth of a point is a hundredth of a second on 5000 m (x10) and 10000 m (x20).
        if meters in (5000, 10000):
            assert row.behind_leader_seconds == exact


# Final-distance qualification


def test_both_lists_qualify_first():
    # B is 2nd on both lists; C's better rank (1) is better, but only one place is left after B.
    assert qualify_for_final(["A", "B", "C"], ["C", "B", "A"], places=2) == ["A", "B"]


def test_remaining_places_by_better_rank_classification_first_on_equal_rank():
    classification = ["A", "B", "C", "D", "E", "F"]
    longest = ["D", "A", "F", "B", "C", "E"]
    # Top 4 of both: A, B, D. One place left: C (3rd in the classification) and F (3rd on the
    # longest distance) have the same better rank; the classification decides.
    assert qualify_for_final(classification, longest, places=4) == ["A", "B", "C", "D"]


def test_equal_better_rank_on_the_longest_distance_goes_to_the_better_classified():
    classification = ["A", "B", "C", "D", "E"]
    longest = ["A", "B", "E", "D", "C"]
    longest_ranks = {"A": 1, "B": 2, "E": 3, "D": 3, "C": 5}  # E and D shared 3rd
    # C, D and E are all 3rd on one list: C on the classification goes first.
    qualified = qualify_for_final(classification, longest, places=3, longest_ranks=longest_ranks)
    assert qualified == ["A", "B", "C"]
    # Without C, D and E are both 3rd on the longest distance: D is better classified.
    assert qualify_for_final(
        classification, longest, places=3, withdrawn={"C"}, longest_ranks=longest_ranks
    ) == ["A", "B", "D"]


def test_a_withdrawn_skater_is_replaced_by_the_next_eligible():
    classification = ["A", "B", "C", "D", "E", "F"]
    longest = ["D", "A", "F", "B", "C", "E"]
    assert qualify_for_final(classification, longest, places=4, withdrawn={"D"}) == ["A", "B", "C", "F"]
    assert qualify_for_final(classification, longest, places=4, withdrawn={"A", "D"}) == ["B", "C", "E", "F"]


def test_default_eight_places():
    skaters = [f"S{i}" for i in range(1, 13)]
    assert qualify_for_final(skaters, skaters) == skaters[:8]


# Allround totals and deficits


def allround(distances, times):
    return [
        Result(skater, distance.order, parse_time(text))
        for skater, texts in times.items()
        for distance, text in zip(distances, texts)
    ]


def test_womens_allround_total_and_deficits_in_seconds_on_the_next_distance():
    results = allround(
        ALLROUND_WOMEN,
        {
            # 38.500 + 241.23/6 = 40.205 + 116.89/3 = 38.96333 -> 38.963 + 415.55/10 = 41.555 = 159.223
            "W": ("38.50", "4:01.23", "1:56.89", "6:55.55"),
            # 38.930 + 240.00/6 = 40.000 + 117.50/3 = 39.16666 -> 39.166 + 410.00/10 = 41.000 = 159.096
            "V": ("38.93", "4:00.00", "1:57.50", "6:50.00"),
        },
    )
    w = classify(ALLROUND_WOMEN, ["W", "V"], results).rows[1]
    assert [cell.points for cell in w.cells] == [D("38.500"), D("40.205"), D("38.963"), D("41.555")]
    assert (w.skater, w.points, w.behind_leader, w.change) == ("W", D("159.223"), D("0.127"), -1)
    # After the 500 m: 0.430 points = 0.430 x 6 = 2.58 s on the 3000 m.
    v = classify(ALLROUND_WOMEN, ["W", "V"], results, after=1).rows[1]
    assert (v.skater, v.behind_leader, v.behind_leader_seconds) == ("V", D("0.430"), D("2.58"))
    # After the 3000 m: 78.930 - 78.705 = 0.225 points, x 3 = 0.675 s on the 1500 m, rounded up.
    v = classify(ALLROUND_WOMEN, ["W", "V"], results, after=2).rows[1]
    assert (v.behind_leader, v.behind_leader_seconds) == (D("0.225"), D("0.68"))
    # After the 1500 m: 118.096 - 117.668 = 0.428 points, x 10 = 4.28 s on the 5000 m.
    v = classify(ALLROUND_WOMEN, ["W", "V"], results, after=3).rows[1]
    assert (v.behind_leader, v.behind_leader_seconds) == (D("0.428"), D("4.28"))


def test_mens_allround_deficit_in_seconds_on_the_10000m():
    results = allround(
        ALLROUND_MEN[:3],
        {
            "Stolz": ("34.10", "6:14.76", "1:41.78"),  # 34.100 + 37.476 + 33.926 = 105.502
            "M2": ("34.50", "6:10.00", "1:42.55"),  # 34.500 + 37.000 + 102.55/3 = 34.183 = 105.683
            "M3": ("35.00", "6:20.00", "1:43.01"),  # 35.000 + 38.000 + 103.01/3 = 34.336 = 107.336
        },
    )
    classification = classify(ALLROUND_MEN, ["M3", "M2", "Stolz"], results)
    assert classification.next_distance == Distance(4, 10000)
    assert [(r.skater, r.points, r.behind_leader, r.behind_leader_seconds) for r in classification.rows] == [
        ("Stolz", D("105.502"), None, None),
        ("M2", D("105.683"), D("0.181"), D("3.62")),  # x 20
        ("M3", D("107.336"), D("1.834"), D("36.68")),
    ]


# A cut before the last distance of a sprint (docs/rules.md: none by default)


def test_a_sprint_has_no_cut_by_default():
    results = world_sprint_2024()
    for after in (1, 2, 3, 4):
        classification = classify(SPRINT, SKATERS_2024, results, after=after)
        assert classification == classify(SPRINT, SKATERS_2024, results, after=after, final_places=None)
        assert classification.qualified == ()
        assert all(row.qualification is None for row in classification.rows)
    assert [row.skater for row in classify(SPRINT, SKATERS_2024, results).rows if row.classified] == [
        "Takagi",
        "Kok",
        "Leerdam",
        "Jackson",
        "Goetz",
        "Herzog",
        "Tian",
        "Kim",
        "Smeding",
    ]


def test_a_cut_of_eight_in_the_world_sprint_2024():
    # Top 8 after three distances: Takagi, Kok, Leerdam, Jackson, Herzog, Goetz, Kim, Tian. The
    # longest distance before the last is the 1000 m #1: Takagi, Leerdam, Kok, Goetz, Grevelt
    # (75.02), Tian, Herzog, Jackson, Smeding, Kim (77.35). In both top 8: seven. The last place:
    # Grevelt (better rank 5, on the 1000 m) before Kim (7, classification) and Smeding (9).
    results = world_sprint_2024()
    finalists = ("Takagi", "Kok", "Leerdam", "Jackson", "Herzog", "Goetz", "Tian", "Grevelt")
    not_yet_skated = [r for r in results if r.distance < 4]
    after_3 = classify(SPRINT, SKATERS_2024, not_yet_skated, after=3, final_places=8)
    assert after_3.qualified == finalists
    assert [(r.rank, r.skater, r.qualification) for r in after_3.rows[6:]] == [
        (7, "Kim", "NQ"),
        (8, "Tian", "Q"),
        (9, "Grevelt", "Q"),
        (10, "Smeding", "NQ"),
    ]
    # The start list and the results are the truth: Kim and Smeding, whom the lists left out, skated
    # the last 1000 m, so they are finalists ranked on their totals, as without a cut. Grevelt, a
    # finalist, was disqualified on it: NC.
    final = classify(SPRINT, SKATERS_2024, results, final_places=8)
    assert final.qualified == tuple(row.skater for row in after_3.rows)  # all ten
    assert [(r.rank, r.skater, r.status, r.points, r.change, r.qualification) for r in final.rows[5:]] == [
        (6, "Herzog", None, D("150.285"), -1, "Q"),
        (7, "Tian", None, D("151.040"), 1, "Q"),
        (8, "Kim", None, D("151.620"), -1, "Q"),
        (9, "Smeding", None, D("151.795"), 1, "Q"),
        (None, "Grevelt", "NC", None, None, "Q"),
    ]
    plain = classify(SPRINT, SKATERS_2024, results)
    assert [replace(row, qualification=None) for row in final.rows] == list(plain.rows)


# Pairs and lanes


SEED = seed_data()


def seed_lanes(distance):
    """Each skater's lane on a distance of the seed championship, by the short names used here."""
    short = {s["name"]: next(n for n in SKATERS_2024 if n in s["name"].split()) for s in SEED["skaters"]}
    return {
        short[pair[lane]]: lane
        for pair in SEED["pairs"]
        if pair["distance"] == distance
        for lane in ("inner", "outer")
    }


# Two by two from the back would pair skaters who started in the same lane (Kim and Smeding, Grevelt
# and Tian on the first 500 m; Leerdam and Jackson on the first 1000 m): each is paired with the
# next one from the other lane instead.
@pytest.mark.parametrize(
    "distance, earlier, pairs",
    [
        (
            3,
            1,
            [
                (1, "Tian", "Smeding"),
                (2, "Grevelt", "Kim"),
                (3, "Herzog", "Jackson"),
                (4, "Goetz", "Leerdam"),
                (5, "Takagi", "Kok"),
            ],
        ),
        (
            4,
            2,
            [
                (1, "Smeding", "Grevelt"),
                (2, "Tian", "Kim"),
                (3, "Goetz", "Jackson"),
                (4, "Herzog", "Leerdam"),
                (5, "Kok", "Takagi"),
            ],
        ),
    ],
)
def test_the_second_500m_and_1000m_start_in_the_other_lane(distance, earlier, pairs):
    order = [r.skater for r in classify(SPRINT, SKATERS_2024, world_sprint_2024(), after=distance - 1).rows]
    before = seed_lanes(earlier)
    assert len(before) == 10
    proposed = propose_pairs(order, before)
    assert proposed == pairs
    now = {inner: "inner" for _, inner, _ in proposed} | {outer: "outer" for _, _, outer in proposed}
    assert now == {skater: OTHER_LANE[lane] for skater, lane in before.items()}


def test_pairs_from_the_back_better_classified_outer_without_known_lanes():
    assert propose_pairs(["A", "B", "C", "D", "E"]) == [(1, None, "E"), (2, "D", "C"), (3, "B", "A")]
    assert propose_pairs(["A", "B"]) == [(1, "B", "A")]
    assert propose_pairs(["A"]) == [(1, None, "A")]
    assert propose_pairs([]) == []


def test_pairs_mix_the_lanes_skated_before():
    lanes = {"A": "inner", "B": "inner", "C": "outer", "D": "outer"}
    # Two by two would pair A and B, both inner before: A skates with C instead.
    assert propose_pairs(["A", "B", "C", "D"], lanes) == [(1, "D", "B"), (2, "C", "A")]


def test_lanes_stay_only_when_the_field_started_unevenly():
    lanes = {"A": "inner", "B": "inner", "C": "inner", "D": "outer"}
    # A takes D, the only one from the outer lane. B and C both started inner: B, the better
    # classified, changes lanes; C keeps hers.
    assert propose_pairs(["A", "B", "C", "D"], lanes) == [(1, "C", "B"), (2, "D", "A")]


def test_lanes_of_skaters_without_an_earlier_lane():
    # A lone skater still changes lanes; one without a lane takes the lane her pair-mate leaves.
    assert propose_pairs(["A", "B", "C"], {"C": "outer"}) == [(1, "C", None), (2, "B", "A")]
    assert propose_pairs(["A", "B"], {"B": "outer"}) == [(1, "B", "A")]
    assert propose_pairs(["A", "B"], {"B": "inner"}) == [(1, "A", "B")]


def test_unknown_lanes_are_refused():
    with pytest.raises(ValueError, match=r"unknown lanes \['red'\]: use inner or outer"):
        propose_pairs(["A", "B"], {"A": "red"})


# World, national and championship records (times made up for the test)


RECORDS_500 = [
    Record("WR", 500, D("36.30")),
    Record("NR", 500, D("36.40"), country="NED"),
    Record("NR", 500, D("36.60"), country="USA"),
    Record("CR", 500, D("36.50")),
    Record("TR", 500, D("36.45")),
]
COUNTRIES = {"A": "NED", "B": "USA", "C": "USA", "D": "GER", "E": "NED", "F": "USA"}


def test_a_new_world_record_is_the_one_to_beat_and_national_records_are_per_country():
    results = [
        Result("A", 1, D("36.25"), pair=1),  # beats every record
        Result("B", 1, D("36.55"), pair=1),  # beats only the USA record, her country's
        Result("C", 1, D("36.25"), pair=2),  # equals A's new WR, CR and TR; beats B's new USA record
        Result("D", 1, D("36.30"), pair=2),  # the old WR, but no record: GER has none given
        Result("E", 1, D("36.35"), pair=3),  # under the old NED record, not under A's new one
        Result("F", 1, D("36.56"), pair=3),
    ]
    book = record_badges(SPRINT, results, RECORDS_500, countries=COUNTRIES)
    assert book.badges == {
        ("A", 1): ("WR", "NR", "CR", "TR"),
        ("B", 1): ("NR",),
        ("C", 1): ("=WR", "NR", "=CR", "=TR"),
    }
    assert book.records == {
        ("WR", 500, None): D("36.25"),
        ("NR", 500, "NED"): D("36.25"),
        ("NR", 500, "USA"): D("36.25"),
        ("CR", 500, None): D("36.25"),
        ("TR", 500, None): D("36.25"),
    }


def test_a_national_record_is_not_beaten_by_a_skater_of_another_country():
    results = [Result("D", 1, D("36.39"), pair=1), Result("B", 1, D("36.61"), pair=1)]
    book = record_badges(SPRINT, results, [Record("NR", 500, D("36.40"), country="NED")], countries=COUNTRIES)
    assert book.badges == {}
    assert book.records == {("NR", 500, "NED"): D("36.40")}


def test_only_a_national_record_names_a_country():
    with pytest.raises(ValueError, match="names its country"):
        Record("NR", 500, D("36.40"))
    with pytest.raises(ValueError, match="names its country"):
        Record("WR", 500, D("36.40"), country="NED")
    with pytest.raises(ValueError, match="unknown record kind 'ER'"):
        Record("ER", 500, D("36.40"))


# Thousandths: NK Allround 2026, women's 500 m, two skaters on 38.88 ranked apart by the Dutch
# federation (the measured times here made up).

ON_38_88 = [
    Result("Late", 1, D("38.88"), raw_time=D("38.887")),
    Result("Early", 1, D("38.88"), raw_time=D("38.881")),
    Result("Third", 1, D("38.95"), raw_time=D("38.950")),
]


def test_equal_hundredths_share_a_rank_by_default():
    placings = rank_distance(ON_38_88, 500)
    assert [(p.skater, p.rank, p.points, p.behind_winner) for p in placings] == [
        ("Late", 1, D("38.880"), D("0.00")),
        ("Early", 1, D("38.880"), D("0.00")),
        ("Third", 3, D("38.950"), D("0.07")),
    ]


def test_equal_hundredths_ranked_by_thousandths():
    placings = rank_distance(ON_38_88, 500, by_thousandths=True)
    assert [(p.skater, p.rank, p.points, p.behind_winner) for p in placings] == [
        ("Early", 1, D("38.880"), D("0.00")),
        ("Late", 2, D("38.880"), D("0.00")),
        ("Third", 3, D("38.950"), D("0.07")),
    ]


def test_thousandths_rank_only_where_every_equal_time_has_them():
    unknown = [
        *ON_38_88,
        Result("Unmeasured", 1, D("38.88")),
        Result("Fourth", 1, D("38.95"), raw_time=D("38.9501")),
    ]
    placings = rank_distance(unknown, 500, by_thousandths=True)
    assert [(p.skater, p.rank) for p in placings] == [
        ("Late", 1),  # one of the three on 38.88 has no measured time: they share
        ("Early", 1),
        ("Unmeasured", 1),
        ("Third", 4),  # both on 38.95 have one
        ("Fourth", 5),
    ]
    equal = [
        Result("X", 1, D("38.88"), raw_time=D("38.884")),
        Result("Y", 1, D("38.88"), raw_time=D("38.884")),
    ]
    assert [p.rank for p in rank_distance(equal, 500, by_thousandths=True)] == [1, 1]


def test_thousandths_change_the_distance_ranks_never_the_points():
    results = [*ON_38_88, *(Result(r.skater, 2, D("80.00")) for r in ON_38_88)]
    shared = classify(SPRINT, ["Late", "Early", "Third"], results)
    apart = classify(SPRINT, ["Late", "Early", "Third"], results, by_thousandths=True)
    assert [(r.rank, r.skater, r.points, r.cells[0].rank) for r in shared.rows] == [
        (1, "Late", D("78.880"), 1),
        (1, "Early", D("78.880"), 1),
        (3, "Third", D("78.950"), 3),
    ]
    assert [(r.rank, r.skater, r.points, r.cells[0].rank) for r in apart.rows] == [
        (1, "Late", D("78.880"), 2),
        (1, "Early", D("78.880"), 1),
        (3, "Third", D("78.950"), 3),
    ]


def test_a_measured_time_truncates_to_the_official_time():
    assert Result("A", 1, D("78.50"), raw_time=D("78.5077")).raw_time == D("78.5077")
    assert official_time(D("78.5077")) == official_time(D("78.508")) == D("78.50")
    with pytest.raises(ValueError, match="does not truncate"):
        Result("A", 1, D("78.51"), raw_time=D("78.508"))  # rounded, not truncated
    with pytest.raises(ValueError, match="does not truncate"):
        Result("A", 1, None, status="DNF", raw_time=D("78.508"))


# Exact arithmetic: every hundredth of the plausible range of each distance, against the points
# worked out in whole numbers (h hundredths give h x 5000 / metres thousandths, rounded down).

PLAUSIBLE = {1500: (9900, 15000), 3000: (22800, 30000), 5000: (35800, 51000), 10000: (74500, 99000)}


def exact_points(hundredths, meters):
    return D(hundredths * 5000 // meters).scaleb(-3)


def float_points(hundredths, meters):
    """What floating point gives: the division is a hair off, and truncation shows it."""
    return D(math.floor(hundredths / 100 / (meters / 500) * 1000)).scaleb(-3)


@pytest.mark.parametrize("meters", sorted(PLAUSIBLE))
def test_every_hundredth_is_truncated_exactly(meters):
    low, high = PLAUSIBLE[meters]
    wrong_in_floats = []
    for hundredths in range(low, high + 1):
        expected = exact_points(hundredths, meters)
        assert points(D(hundredths).scaleb(-2), meters) == expected, hundredths
        if float_points(hundredths, meters) != expected:
            wrong_in_floats.append(hundredths)
    # Floats lose a thousandth wherever the exact quotient has three decimals and lands a hair low.
    assert len(wrong_in_floats) == {1500: 195, 3000: 308, 5000: 1459, 10000: 1176}[meters]


@pytest.mark.parametrize(
    "time, meters, exact, in_floats",
    [
        ("1:39.27", 1500, "33.090", "33.089"),
        ("3:48.45", 3000, "38.075", "38.074"),
        ("5:58.28", 5000, "35.828", "35.827"),
        ("12:25.04", 10000, "37.252", "37.251"),
    ],
)
def test_where_floating_point_truncation_goes_wrong(time, meters, exact, in_floats):
    hundredths = int(parse_time(time) * 100)
    assert points(parse_time(time), meters) == D(exact)
    assert float_points(hundredths, meters) == D(in_floats)


@settings(max_examples=100)
@given(championships())
def test_totals_are_the_sums_of_the_truncated_points(championship):
    distances, skaters, results = championship
    meters = {d.order: d.meters for d in distances}
    times = {(r.skater, r.distance): r.time for r in results if r.counts}
    for row in classify(distances, skaters, results).rows:
        if row.points is None:
            continue
        parts = [
            exact_points(int(times[row.skater, c.distance] * 100), meters[c.distance]) for c in row.cells
        ]
        assert [c.points for c in row.cells] == parts
        assert row.points == sum(parts)
