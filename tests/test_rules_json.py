"""The rules as integrators and officials see them: withdrawals and reserves, records, thousandths
and deficits through `standings.json`, the CSV, the pages, the head-to-head and championship files.

The fields are made up for the tests; each case's classification is worked out in the comments.
"""

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from championships.championship_file import ChampionshipFileError, dump, load
from championships.draw import propose_start_list
from championships.forms import result_form
from championships.models import Record, Result
from championships.standings import Standings
from championships.start_lists import save_start_list

pytestmark = pytest.mark.django_db

MEN = [f"S{i}" for i in range(1, 11)]
# After three distances S_i has 36.000 + (38.000 + 0.1 i) + 36.000 points: S1..S10 are 1st..10th
# in the classification and on the 5000 m alike, so S1..S8 qualify and S9 is the first reserve.
TEN_K = {
    "S1": "13:20.00",  # 40.000 -> 150.100
    "S2": "13:10.00",  # 39.500 -> 149.700
    "S3": "13:00.00",  # 39.000 -> 149.300
    "S4": "13:30.00",  # 40.500 -> 150.900
    "S5": "13:24.00",  # 40.200 -> 150.700
    "S6": "13:40.00",  # 41.000 -> 151.600
    "S7": "13:36.00",  # 40.800 -> 151.500
    "S8": "13:44.00",  # 41.200 -> 152.000
    "S9": "13:50.05",  # 830.05 / 20 = 41.5025, truncated 41.502 -> 152.402
    "S10": "13:48.00",  # 41.400 -> 152.400
}
WITHOUT_S3 = ["S1", "S2", "S4", "S5", "S6", "S7", "S8", "S9"]
# The European Allround 2016 (men) case: the third after three distances does not start the
# 10,000 m; the ninth skates it as reserve and finishes eighth; the non-starter is ninth, NQ.
RESERVE_IN = [
    (1, "S2", "149.700", None),
    (2, "S1", "150.100", None),
    (3, "S5", "150.700", None),
    (4, "S4", "150.900", None),
    (5, "S7", "151.500", None),
    (6, "S6", "151.600", None),
    (7, "S8", "152.000", None),
    (8, "S9", "152.402", None),
    (9, "S3", "110.300", "NQ"),
    (10, "S10", "111.000", "NQ"),
]


def men_allround(final=(), statuses=None, final_pairs=None):
    results = []
    for i, name in enumerate(MEN, start=1):
        results += [
            {"distance": 1, "skater": name, "time": "36.00"},
            {"distance": 2, "skater": name, "time": f"6:{20 + i}.00"},
            {"distance": 3, "skater": name, "time": "1:48.00"},
        ]
    results += [{"distance": 4, "skater": name, "time": TEN_K[name]} for name in final]
    results += [
        {"distance": 4, "skater": name, "status": status} for name, status in (statuses or {}).items()
    ]
    pairs = []
    if final_pairs is not None:
        # Leaders last, the better one in the outer lane; the file's pairs are the drawn start list.
        for number, start in enumerate(range(len(final_pairs) - 2, -1, -2), start=1):
            pairs.append(
                {"distance": 4, "pair": number, "inner": final_pairs[start + 1], "outer": final_pairs[start]}
            )
    return {
        "format": "sprintboard-championship",
        "version": 1,
        "name": "Allround men (made up)",
        "kind": "allround",
        "distances": [{"order": i, "meters": m} for i, m in enumerate([500, 5000, 1500, 10000], start=1)],
        "skaters": [{"name": name, "country": "NED"} for name in MEN],
        "pairs": pairs,
        "results": results,
    }


def feed(client, championship, **query):
    response = client.get(f"/{championship.slug}/standings.json", query)
    assert response.status_code == 200
    return response.json()


def table(data):
    return [(r["rank"], r["skater"]["name"], r["points"], r["status"]) for r in data["rows"]]


def csv_rows(client, url):
    response = client.get(url)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def qualification(client, championship):
    rows = csv_rows(client, f"/{championship.slug}/standings.csv")
    return {row["skater"]: row["qualification"] for row in rows}


# --- withdrawal before the final distance and the reserve --------------------------------------


@pytest.mark.parametrize("status", ["WDR", "DNS"])
def test_a_qualified_skater_who_does_not_start_is_replaced_and_ranked_nq(client, status):
    championship = load(men_allround(WITHOUT_S3, {"S3": status}))
    data = feed(client, championship)
    assert table(data) == RESERVE_IN
    s3 = data["rows"][8]
    assert (s3["classified"], s3["change"], s3["behind_leader"], s3["behind_leader_seconds"]) == (
        True,
        -6,
        None,
        None,
    )
    assert s3["distances"][3] == {
        "order": 4,
        "time": None,
        "points": None,
        "rank": None,
        "status": status,
        "badges": [],
    }
    s9 = data["rows"][7]
    assert (s9["change"], s9["distances"][3]["points"], s9["behind_leader"]) == (1, "41.502", "2.702")
    assert qualification(client, championship)["S9"] == "Q"
    assert qualification(client, championship)["S3"] == "NQ"


def test_a_qualified_skater_left_out_of_the_drawn_start_list_is_replaced(client):
    championship = load(men_allround(WITHOUT_S3, final_pairs=WITHOUT_S3))
    assert table(feed(client, championship)) == RESERVE_IN
    # Before anyone has skated it, the drawn list is what the marks show.
    drawn = load(men_allround(final_pairs=WITHOUT_S3) | {"slug": "drawn"})
    marks = qualification(client, drawn)
    assert [name for name in MEN if marks[name] == "Q"] == WITHOUT_S3


def test_the_marks_and_the_proposed_start_list_follow_a_withdrawal_as_soon_as_it_is_entered(client):
    championship = load(men_allround())
    final = championship.distances.get(order=4)
    assert [name for name, mark in qualification(client, championship).items() if mark == "Q"] == MEN[:8]
    form = result_form(final, championship.skaters.get(name="S3"), status="DNS")
    assert form.is_valid(), form.errors
    form.save()
    assert [name for name in MEN if qualification(client, championship)[name] == "Q"] == WITHOUT_S3
    starts = save_start_list(final, propose_start_list(final).pairs)
    drawn = {s.skater.name for s in starts}
    assert drawn == set(WITHOUT_S3)
    pairs = {(s.pair, s.lane): s.skater.name for s in starts}
    assert (pairs[4, "outer"], pairs[4, "inner"], pairs[1, "outer"], pairs[1, "inner"]) == (
        "S1",
        "S2",
        "S8",
        "S9",
    )


def test_a_withdrawal_after_the_draw_names_the_reserve_to_add(client):
    championship = load(men_allround(statuses={"S3": "WDR"}, final_pairs=MEN[:8]))
    marks = qualification(client, championship)
    assert [name for name in MEN if marks[name] == "Q"] == WITHOUT_S3


def test_a_reserve_the_referee_let_in_is_ranked_on_her_total(client):
    # S10 skates for S3, passing over S9: the start list and the results are the truth.
    skating = [*WITHOUT_S3[:-1], "S10"]
    data = feed(client, load(men_allround(skating, final_pairs=skating)))
    assert table(data)[6:] == [
        (7, "S8", "152.000", None),
        (8, "S10", "152.400", None),
        (9, "S3", "110.300", "NQ"),
        (10, "S9", "110.900", "NQ"),
    ]


def test_a_finalist_disqualified_on_the_last_distance_is_nc(client):
    data = men_allround(MEN[:8])
    s4 = next(r for r in data["results"] if r["distance"] == 4 and r["skater"] == "S4")
    s4["status"] = "DQ"  # after crossing the line in 13:30.00
    feed_data = feed(client, load(data))
    assert table(feed_data) == [
        (1, "S3", "149.300", None),
        (2, "S2", "149.700", None),
        (3, "S1", "150.100", None),
        (4, "S5", "150.700", None),
        (5, "S7", "151.500", None),
        (6, "S6", "151.600", None),
        (7, "S8", "152.000", None),
        (8, "S9", "110.900", "NQ"),
        (9, "S10", "111.000", "NQ"),
        (None, "S4", None, "NC"),
    ]
    s4_row = feed_data["rows"][-1]
    assert (s4_row["classified"], s4_row["distances"][3]["time"], s4_row["distances"][3]["status"]) == (
        False,
        "13:30.00",
        "DQ",
    )


def test_european_allround_2016_men_as_published(client):
    data = json.loads((Path(__file__).parent / "data" / "ek-allround-2016-men.json").read_text("utf-8"))
    championship = load(data)
    assert championship.final_places == 8  # allround: the file does not say
    rows = feed(client, championship)["rows"]
    published = data["published"]["after_distance"]["4"]
    assert [(r["rank"], r["skater"]["name"], r["points"]) for r in rows[:13]] == [
        (p["rank"], p["skater"], p["points"]) for p in published
    ]
    assert [r["status"] for r in rows] == [None] * 8 + ["NQ"] * 6
    yuskov = rows[8]
    assert (yuskov["classified"], yuskov["distances"][3]["status"], yuskov["change"]) == (True, "DNS", -6)
    henriksen = rows[7]
    assert (henriksen["behind_leader"], henriksen["change"]) == ("5.449", 1)
    marks = qualification(client, championship)
    assert (marks["Sindre Henriksen"], marks["Denis Yuskov"], marks["Nicola Tumolero"]) == ("Q", "NQ", "NQ")


# --- records -------------------------------------------------------------------------------------


def sprint_with_records(results, records):
    names = {"Anna": "NED", "Bea": "USA", "Cleo": "USA", "Dora": "GER"}
    return {
        "format": "sprintboard-championship",
        "version": 1,
        "name": "Records (made up)",
        "kind": "sprint",
        "distances": [{"order": i, "meters": m} for i, m in enumerate([500, 1000, 500, 1000], start=1)],
        "skaters": [{"name": n, "country": c} for n, c in names.items()],
        "pairs": [
            {"distance": 1, "pair": 1, "inner": "Anna", "outer": "Bea"},
            {"distance": 1, "pair": 2, "inner": "Cleo", "outer": "Dora"},
            {"distance": 3, "pair": 1, "inner": "Dora", "outer": "Cleo"},
            {"distance": 3, "pair": 2, "inner": "Bea", "outer": "Anna"},
        ],
        "results": results,
        "records": records,
    }


RECORDS = [
    {"kind": "WR", "meters": 500, "time": "36.30", "holder": "someone"},
    {"kind": "NR", "meters": 500, "time": "36.40", "country": "NED"},
    {"kind": "NR", "meters": 500, "time": "36.60", "country": "USA"},
    {"kind": "CR", "meters": 500, "time": "36.50"},
    {"kind": "TR", "meters": 500, "time": "36.45"},
]


def badges(data):
    return {
        (row["skater"]["name"], cell["order"]): cell["badges"]
        for row in data["rows"]
        for cell in row["distances"]
        if cell["badges"]
    }


def test_world_national_and_championship_records_fall_live(client):
    results = [
        {"distance": 1, "skater": "Anna", "time": "36.25"},  # under every record
        {"distance": 1, "skater": "Bea", "time": "36.55"},  # under the USA record only
        {"distance": 1, "skater": "Cleo", "time": "36.25"},  # equals Anna's new WR; USA record
        {"distance": 1, "skater": "Dora", "time": "36.30"},  # the old WR; no GER record given
        {"distance": 3, "skater": "Dora", "time": "36.20"},  # a WR; still no national record
        {"distance": 3, "skater": "Cleo", "time": "36.24"},  # USA record only: the WR is 36.20 now
        {"distance": 3, "skater": "Bea", "time": "36.20"},  # equals Dora's WR, beats Cleo's NR
        {"distance": 3, "skater": "Anna", "time": "36.21"},  # under her own NED record of 36.25
    ]
    championship = load(sprint_with_records(results, RECORDS))
    assert badges(feed(client, championship)) == {
        ("Anna", 1): ["WR", "NR", "CR", "TR"],
        ("Bea", 1): ["NR"],
        ("Cleo", 1): ["=WR", "NR", "=CR", "=TR"],
        ("Dora", 3): ["WR", "CR", "TR"],
        ("Cleo", 3): ["NR"],
        ("Bea", 3): ["=WR", "NR", "=CR", "=TR"],
        ("Anna", 3): ["NR"],
    }
    page = client.get(f"/{championship.slug}/distances/3/").content.decode()
    assert "=WR" in page
    rows = csv_rows(client, f"/{championship.slug}/distances/3/results.csv")
    # Neutralised: a spreadsheet would run a leading =.
    assert {row["skater"]: row["badges"] for row in rows}["Bea"] == "'=WR NR =CR =TR"


def test_records_round_trip_with_the_national_records_country():
    championship = load(sprint_with_records([], RECORDS))
    assert [(r.kind, r.country) for r in championship.records.order_by("pk")] == [
        ("WR", ""),
        ("NR", "NED"),
        ("NR", "USA"),
        ("CR", ""),
        ("TR", ""),
    ]
    assert dump(championship)["records"] == RECORDS


def test_a_national_record_without_its_country_is_refused():
    data = sprint_with_records([], [{"kind": "NR", "meters": 500, "time": "36.40"}])
    with pytest.raises(ChampionshipFileError) as refused:
        load(data)
    assert refused.value.problems == [
        "$.records[0].country: a national record names its country, a 3-letter code such as NED, not None"
    ]
    championship = load(sprint_with_records([], []))
    with pytest.raises(ValidationError, match="names its country"):
        Record(championship=championship, kind="NR", meters=500, time="36.40").full_clean()
    with pytest.raises(ValidationError, match="Only a national record"):
        Record(championship=championship, kind="WR", meters=500, time="36.40", country="NED").full_clean()


# --- thousandths ------------------------------------------------------------------------------------


def on_38_88(rank_by_thousandths=None):
    data = sprint_with_records(
        [
            {"distance": 1, "skater": "Bea", "time": "38.88", "raw_time": "38.887"},
            {"distance": 1, "skater": "Anna", "time": "38.88", "raw_time": "38.881"},
            {"distance": 1, "skater": "Cleo", "time": "38.95"},
            {"distance": 1, "skater": "Dora", "time": "38.95", "raw_time": "38.951"},
        ],
        [],
    )
    if rank_by_thousandths is not None:
        data["rank_by_thousandths"] = rank_by_thousandths
    return data


@pytest.mark.parametrize(
    "setting, results",
    [
        # ISU: equal hundredths share, listed in the order they were entered.
        (
            None,
            [("1", "Bea", "38.88"), ("1", "Anna", "38.88"), ("3", "Cleo", "38.95"), ("3", "Dora", "38.95")],
        ),
        # Dutch federation: the thousandths decide where both are known (Cleo's is not).
        (
            True,
            [("1", "Anna", "38.88"), ("2", "Bea", "38.88"), ("3", "Cleo", "38.95"), ("3", "Dora", "38.95")],
        ),
    ],
)
def test_equal_hundredths_ranked_both_ways(client, setting, results):
    championship = load(on_38_88(setting))
    assert championship.rank_by_thousandths is bool(setting)
    rows = csv_rows(client, f"/{championship.slug}/distances/1/results.csv")
    assert [(row["rank"], row["skater"], row["time"]) for row in rows] == results
    # The classification: points from the hundredths, so Anna and Bea share first place either way.
    data = feed(client, championship)
    assert [
        (r["rank"], r["skater"]["name"], r["points"], r["distances"][0]["rank"]) for r in data["rows"]
    ] == [
        (1, "Anna", "38.880", 1),
        (1, "Bea", "38.880", 2 if setting else 1),
        (3, "Cleo", "38.950", 3),
        (3, "Dora", "38.950", 3),
    ]


def test_the_setting_and_measured_times_round_trip():
    data = on_38_88(True)
    championship = load(data)
    measured = Result.objects.filter(distance__championship=championship, raw_time__isnull=False)
    assert sorted(measured.values_list("raw_time", flat=True)) == [
        Decimal("38.881"),
        Decimal("38.887"),
        Decimal("38.951"),
    ]
    dumped = dump(championship)
    assert dumped["rank_by_thousandths"] is True
    assert [r.get("raw_time") for r in dumped["results"]] == ["38.887", "38.881", None, "38.951"]
    assert "rank_by_thousandths" not in dump(load(on_38_88() | {"slug": "default"}))


def test_four_decimals_are_kept():
    data = on_38_88()
    data["results"][1]["raw_time"] = "38.8877"
    assert Result.objects.get(distance__championship=load(data), skater__name="Anna").raw_time == Decimal(
        "38.8877"
    )


@pytest.mark.parametrize(
    "raw_time, problem",
    [
        ("38.891", "38.891 does not truncate to the time 38.88"),
        ("38.87777", "'38.87777' is not a time: give at most 4 decimals"),
        (38.881, 'a measured time must be written as text such as "78.508", not 38.881'),
    ],
)
def test_a_measured_time_must_truncate_to_the_time(raw_time, problem):
    data = on_38_88()
    data["results"][1]["raw_time"] = raw_time
    with pytest.raises(ChampionshipFileError) as refused:
        load(data)
    assert refused.value.problems == [f"$.results[1].raw_time: {problem}"]


def test_a_measured_time_is_validated_on_the_model_and_dropped_when_an_official_corrects_the_time():
    championship = load(on_38_88(True))
    anna = Result.objects.get(skater__name="Anna")
    anna.raw_time = "38.891"
    with pytest.raises(ValidationError, match=r"does not truncate to the time 38\.88"):
        anna.full_clean()
    form = result_form(anna.distance, anna.skater, time=Decimal("38.90"))
    assert form.is_valid(), form.errors
    form.save()
    anna.refresh_from_db()
    assert (str(anna.time), anna.raw_time) == ("38.90", None)
    bea = Result.objects.get(skater__name="Bea")
    form = result_form(bea.distance, bea.skater, time=bea.time, note="checked")
    assert form.is_valid(), form.errors
    form.save()
    bea.refresh_from_db()
    assert str(bea.raw_time) == "38.8870"  # the same time: the measured one stays
    assert championship.rank_by_thousandths


# --- deficits as published -------------------------------------------------------------------------


def test_a_deficit_in_seconds_is_rounded_up_everywhere_and_names_its_distance(client):
    # After the 3000 m: A 40.000 + 40.000 = 80.000; B 40.00 + 241.33 / 6 = 40.22166 -> 40.221:
    # 80.221, 0.221 points behind = 0.663 s on the 1500 m (x3): 0.67, not 0.66.
    championship = load(
        {
            "format": "sprintboard-championship",
            "version": 1,
            "name": "Deficit (made up)",
            "kind": "allround",
            "distances": [{"order": i, "meters": m} for i, m in enumerate([500, 3000, 1500, 5000], start=1)],
            "skaters": [{"name": "A", "country": "NED"}, {"name": "B", "country": "NOR"}],
            "results": [
                {"distance": 1, "skater": "A", "time": "40.00"},
                {"distance": 1, "skater": "B", "time": "40.00"},
                {"distance": 2, "skater": "A", "time": "4:00.00"},
                {"distance": 2, "skater": "B", "time": "4:01.33"},
            ],
        }
    )
    data = feed(client, championship)
    assert data["next_distance"] == {"order": 3, "meters": 1500}
    b = data["rows"][1]
    assert (b["points"], b["behind_leader"], b["behind_leader_seconds"]) == ("80.221", "0.221", "0.67")
    rows = csv_rows(client, f"/{championship.slug}/standings.csv")
    assert rows[1]["behind leader s on 1500 m"] == "0.67"
    page = client.get(f"/{championship.slug}/").content.decode()
    assert "Next: 1500 m. Seconds behind are on that distance." in page
    assert f'<td class="num seconds" id="c{b["skater"]["id"]}-seconds">0.67</td>' in page
    assert (
        f'<td class="num seconds" id="c{b["skater"]["id"]}-seconds">0,67</td>'
        in client.get(f"/{championship.slug}/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    )
    a, b = (championship.skaters.get(name=n).pk for n in "AB")
    h2h = client.get(f"/{championship.slug}/h2h/", {"a": a, "b": b}).content.decode()
    assert "<strong>0.67 s</strong> on the 1500 m" in h2h  # the gap
    assert (
        '<bdi class="name">B</bdi> must be <strong>0.67 s</strong> faster than <bdi class="name">A</bdi> on the 1500 m.'
        in h2h
    )
    assert Standings(championship).rows[1].behind_leader_seconds == Decimal("0.67")


def test_officials_set_ranking_by_thousandths_and_a_records_country_in_the_admin(admin_client):
    championship = load(on_38_88())
    page = admin_client.get(f"/admin/championships/championship/{championship.pk}/change/").content.decode()
    assert 'name="rank_by_thousandths"' in page
    assert 'name="records-0-country"' in page or 'name="records-__prefix__-country"' in page


def test_changing_the_setting_in_the_admin_reaches_the_feed(admin_client, client):
    championship = load(on_38_88())
    before = feed(client, championship)
    assert [r["distances"][0]["rank"] for r in before["rows"][:2]] == [1, 1]
    page = admin_client.get(f"/admin/championships/championship/{championship.pk}/change/")
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data |= {"venue": "", "final_places": "", "rank_by_thousandths": "on"}
    for formset in page.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        data |= {f"{management.prefix}-{k}": v for k, v in management.initial.items()}
        for inline in formset.formset.forms:
            data |= {
                f"{inline.prefix}-{k}": v
                for k, v in inline.initial.items()
                if v is not None and k in inline.fields
            }
            data[f"{inline.prefix}-id"] = inline.instance.pk
            data[f"{inline.prefix}-championship"] = championship.pk
    response = admin_client.post(f"/admin/championships/championship/{championship.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    after = feed(client, championship)
    assert after["revision"] > before["revision"]
    assert [(r["skater"]["name"], r["distances"][0]["rank"]) for r in after["rows"][:2]] == [
        ("Anna", 1),
        ("Bea", 2),
    ]


@pytest.mark.parametrize("raw_time, time", [("38.891", "38.88"), ("38.88", "38.89"), ("38.881", None)])
def test_the_database_refuses_a_measured_time_that_does_not_truncate_to_the_time(raw_time, time):
    championship = load(on_38_88())
    anna = Result.objects.get(distance__championship=championship, skater__name="Anna")
    with pytest.raises(IntegrityError), transaction.atomic():
        Result.objects.filter(pk=anna.pk).update(
            raw_time=Decimal(raw_time), time=None if time is None else Decimal(time), status="DNF"
        )
