"""The classification as users and integrators see it: `standings.json`, the pages, and their cost.

Expected values are those of the seed article (World Sprint Championships 2024, women, Inzell):
the classification after three distances as NOS published it, with the seconds on the final 1000 m.
"""

import copy
import itertools
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from championships.championship_file import load
from championships.models import Result

SLUG = "wk-sprint-2024-women"
FEED = f"/{SLUG}/standings.json"
PAGE = f"/{SLUG}/"

# The seed article's table after three distances: rank, name, points, seconds behind on the 1000 m.
ARTICLE_AFTER_3 = [
    (1, "Miho Takagi", "110.980", None),
    (2, "Femke Kok", "111.315", "0.67"),
    (3, "Jutta Leerdam", "111.835", "1.71"),
    (4, "Erin Jackson", "112.390", "2.82"),
    (5, "Vanessa Herzog", "112.760", "3.56"),
    (6, "Kimi Goetz", "112.900", "3.84"),
    (7, "Kim Min-sun", "113.145", "4.33"),
    (8, "Tian Ruining", "113.340", "4.72"),
    (9, "Isabel Grevelt", "113.590", "5.22"),
    (10, "Ellia Smeding", "113.995", "6.03"),
]


def feed(client, query=""):
    response = client.get(FEED + query)
    assert response.status_code == 200
    return response.json()


def row_of(data, name):
    return next(row for row in data["rows"] if row["skater"]["name"] == name)


def points(text):
    return Decimal(text)


# --- standings.json -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_feed_after_three_distances_is_the_seed_articles_table(wk_sprint_after_3, client):
    data = feed(client)
    assert data["after_distance"] == 3
    assert data["next_distance"] == {"order": 4, "meters": 1000}
    assert data["championship"] == {
        "slug": SLUG,
        "name": "World Sprint Championships 2024 — Women",
        "kind": "sprint",
        "distances": [
            {"order": 1, "meters": 500},
            {"order": 2, "meters": 1000},
            {"order": 3, "meters": 500},
            {"order": 4, "meters": 1000},
        ],
    }
    rows = data["rows"]
    assert len(rows) == 10
    assert [
        (r["rank"], r["skater"]["name"], r["points"], r["behind_leader_seconds"]) for r in rows
    ] == ARTICLE_AFTER_3
    assert all(r["classified"] is True and r["status"] is None for r in rows)

    leader = rows[0]
    assert (leader["behind_leader"], leader["behind_leader_seconds"], leader["behind_previous"]) == (
        None,
        None,
        None,
    )
    kok = rows[1]
    assert kok["skater"]["country"] == "NED"
    assert (kok["behind_leader"], kok["behind_leader_seconds"], kok["behind_previous"]) == (
        "0.335",
        "0.67",
        "0.335",
    )
    # Every deficit follows from the totals: to the leader and to the skater just above.
    for above, row in itertools.pairwise(rows):
        assert points(row["behind_leader"]) == points(row["points"]) - points(leader["points"])
        assert points(row["behind_previous"]) == points(row["points"]) - points(above["points"])
    assert [r["behind_leader"] for r in rows[1:]] == [
        "0.335",
        "0.855",
        "1.410",
        "1.780",
        "1.920",
        "2.165",
        "2.360",
        "2.610",
        "3.015",
    ]
    assert [r["behind_previous"] for r in rows[1:]] == [
        "0.335",
        "0.520",
        "0.555",
        "0.370",
        "0.140",
        "0.245",
        "0.195",
        "0.250",
        "0.405",
    ]


@pytest.mark.django_db
def test_feed_position_change_since_the_previous_distance(wk_sprint_after_3, client):
    after_2 = {r["skater"]["name"]: r["rank"] for r in feed(client, "?after=2")["rows"]}
    after_3 = feed(client)["rows"]
    # The article: Kok and Leerdam kept their places, Grevelt (seventh) fell to ninth.
    assert after_2["Isabel Grevelt"] == 7
    assert {r["skater"]["name"]: r["change"] for r in after_3} == {
        name: after_2[name] - rank for rank, name, _, _ in ARTICLE_AFTER_3
    }
    grevelt = row_of({"rows": after_3}, "Isabel Grevelt")
    assert (grevelt["rank"], grevelt["change"]) == (9, -2)
    assert row_of({"rows": after_3}, "Femke Kok")["change"] == 0
    assert row_of({"rows": after_3}, "Jutta Leerdam")["change"] == 0
    # No previous classification after the first distance.
    assert {r["change"] for r in feed(client, "?after=1")["rows"]} == {None}


@pytest.mark.django_db
def test_feed_after_two_distances(wk_sprint_after_3, client):
    data = feed(client, "?after=2")
    assert data["after_distance"] == 2
    assert data["next_distance"] == {"order": 3, "meters": 500}
    assert [(r["rank"], r["skater"]["name"], r["points"]) for r in data["rows"][:3]] == [
        (1, "Miho Takagi", "73.790"),
        (2, "Femke Kok", "74.245"),
        (3, "Jutta Leerdam", "74.265"),
    ]
    # The article: Kok 0.46 (0.455) behind, Leerdam 0.48 (0.475); seconds on the next 500 m.
    kok, leerdam = data["rows"][1], data["rows"][2]
    assert (kok["behind_leader"], kok["behind_leader_seconds"]) == ("0.455", "0.46")
    assert (leerdam["behind_leader"], leerdam["behind_leader_seconds"]) == ("0.475", "0.48")
    assert [len(r["distances"]) for r in data["rows"]] == [2] * 10


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["", "?after=4"])
def test_feed_after_the_final_distance(wk_sprint, client, query):
    data = feed(client, query)
    assert data["after_distance"] == 4
    assert data["next_distance"] is None
    rows = data["rows"]
    assert [(r["rank"], r["skater"]["name"], r["points"]) for r in rows[:3]] == [
        (1, "Miho Takagi", "147.545"),
        (2, "Femke Kok", "148.100"),
        (3, "Jutta Leerdam", "148.265"),
    ]
    assert [r["rank"] for r in rows[:9]] == list(range(1, 10))
    assert all(r["classified"] for r in rows[:9])
    assert {r["behind_leader_seconds"] for r in rows} == {None}
    assert rows[1]["behind_leader"] == "0.555"

    grevelt = rows[-1]
    assert grevelt["skater"]["name"] == "Isabel Grevelt"
    assert (grevelt["classified"], grevelt["rank"], grevelt["status"], grevelt["points"]) == (
        False,
        None,
        "NC",
        None,
    )
    assert (grevelt["behind_leader"], grevelt["behind_leader_seconds"], grevelt["behind_previous"]) == (
        None,
        None,
        None,
    )
    final = grevelt["distances"][3]
    assert (final["order"], final["time"], final["status"], final["points"], final["rank"]) == (
        4,
        "1:15.28",
        "DQ",
        None,
        None,
    )
    # The distances she did skate are still shown, with their points.
    assert [(d["time"], d["points"]) for d in grevelt["distances"][:3]] == [
        ("38.03", "38.030"),
        ("1:15.02", "37.510"),
        ("38.05", "38.050"),
    ]
    assert "Isabel Grevelt" not in [r["skater"]["name"] for r in rows[:9]]


@pytest.mark.django_db
def test_feed_distance_cells_with_track_record_badges(wk_sprint_after_3, client):
    kok = row_of(feed(client), "Femke Kok")
    assert kok["distances"] == [
        {"order": 1, "time": "37.07", "points": "37.070", "rank": 1, "status": None, "badges": ["TR"]},
        {"order": 2, "time": "1:14.35", "points": "37.175", "rank": 3, "status": None, "badges": []},
        {"order": 3, "time": "37.07", "points": "37.070", "rank": 1, "status": None, "badges": ["=TR"]},
    ]
    takagi = row_of(feed(client), "Miho Takagi")
    # Takagi's 1:13.32 broke the 1000 m track record (1:13.40 before the championship).
    assert takagi["distances"][1] == {
        "order": 2,
        "time": "1:13.32",
        "points": "36.660",
        "rank": 1,
        "status": None,
        "badges": ["TR"],
    }


@pytest.mark.django_db
def test_feed_is_open_to_other_sites(wk_sprint_after_3, client):
    response = client.get(FEED, headers={"Origin": "https://other.example"})  # as a browser elsewhere asks
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Content-Type"].startswith("application/json")
    assert client.get(FEED + "?after=2", headers={"Origin": "null"})["Access-Control-Allow-Origin"] == "*"


@pytest.mark.django_db
def test_feed_revision_increases_when_a_result_changes(wk_sprint_after_3, client):
    before = feed(client)["revision"]
    assert type(before) is int
    kok = Result.objects.get(
        distance__championship=wk_sprint_after_3, distance__order=3, skater__name="Femke Kok"
    )
    kok.time = Decimal("37.30")
    kok.save()
    data = feed(client)
    assert type(data["revision"]) is int
    assert data["revision"] > before
    row = row_of(data, "Femke Kok")
    assert (row["rank"], row["points"], row["distances"][2]["time"]) == (2, "111.545", "37.30")
    assert row["distances"][2]["badges"] == []
    # A new result on the last distance moves the revision on again.
    Result.objects.create(
        distance=wk_sprint_after_3.distances.get(order=4),
        skater=wk_sprint_after_3.skaters.get(name="Ellia Smeding"),
        time=Decimal("75.60"),
    )
    assert feed(client)["revision"] > data["revision"]


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["?after=9", "?after=5", "?after=0", "?after=x", "?after=-1", "?after=2.0"])
def test_feed_unknown_distance_is_404(wk_sprint_after_3, client, query):
    assert client.get(FEED + query).status_code == 404
    assert client.get(PAGE + query).status_code == 404


@pytest.mark.django_db
def test_unknown_championship_is_404(wk_sprint_after_3, client):
    assert client.get("/wk-sprint-2023-women/standings.json").status_code == 404
    assert client.get("/wk-sprint-2023-women/").status_code == 404
    assert client.get("/wk-sprint-2023-women/distances/1/").status_code == 404


# --- the pages ------------------------------------------------------------------------------------


class _Tables(HTMLParser):
    """Text of each table row (cells' text, whitespace collapsed), by the table's class."""

    def __init__(self):
        super().__init__()
        self.tables, self._table, self._row, self._cell = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self._table = self.tables.setdefault(attrs.get("class", ""), [])
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join(" ".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self._table.append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def tables(response):
    assert response.status_code == 200
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser.tables


def body_rows(table):
    return [row for row in table if row and row[0] not in ("#", "Pair")]


@pytest.mark.django_db
def test_standings_page_after_three_distances(wk_sprint_after_3, client):
    response = client.get(PAGE)
    html = response.content.decode()
    # Every row's name and total, in the article's order.
    positions = []
    for _, name, total, _ in ARTICLE_AFTER_3:
        name_at = html.index(name, positions[-1] if positions else 0)
        total_at = html.index(total, name_at)
        positions += [name_at, total_at]
    assert positions == sorted(positions)
    assert "0.67" in html and "6.03" in html

    rows = body_rows(tables(response)["standings"])
    assert len(rows) == 10
    # rank, change, skater, points, behind, seconds on 1000 m, 500 m, 1000 m, 500 m, gap above
    assert [(r[0], r[2], r[3], r[5]) for r in rows] == [
        (str(rank), f"{name} {country}", total, seconds or "")
        for (rank, name, total, seconds), country in zip(
            ARTICLE_AFTER_3, ["JPN", "NED", "NED", "USA", "AUT", "USA", "KOR", "CHN", "NED", "GBR"]
        )
    ]
    kok = rows[1]
    assert kok[6].split()[:2] == ["37.07", "TR"]
    assert kok[8].split()[:2] == ["37.07", "=TR"]
    assert (kok[4], kok[9]) == ("0.335", "0.335")
    assert rows[8][1] == "▼2"  # Grevelt, seventh after two distances
    assert "Next: 1000 m" in html


@pytest.mark.django_db
def test_standings_page_in_dutch_uses_decimal_commas(wk_sprint_after_3, client):
    rows = body_rows(tables(client.get(PAGE, HTTP_ACCEPT_LANGUAGE="nl"))["standings"])
    assert (rows[1][2], rows[1][3], rows[1][5]) == ("Femke Kok NED", "111,315", "0,67")
    assert rows[2][5] == "1,71"


@pytest.mark.django_db
def test_standings_page_after_the_final_lists_the_nc_skater_last(wk_sprint, client):
    response = client.get(PAGE)
    rows = body_rows(tables(response)["standings"])
    assert [(r[0], r[2].rsplit(" ", 1)[0], r[3]) for r in rows[:3]] == [
        ("1", "Miho Takagi", "147.545"),
        ("2", "Femke Kok", "148.100"),
        ("3", "Jutta Leerdam", "148.265"),
    ]
    assert [r[0] for r in rows[:9]] == [str(n) for n in range(1, 10)]
    grevelt = rows[-1]
    assert (grevelt[0], grevelt[2]) == ("NC", "Isabel Grevelt NED")
    assert grevelt[8].split()[:2] == ["1:15.28", "DQ"]
    assert grevelt[3] == ""  # no total
    assert "Next:" not in response.content.decode()


@pytest.mark.django_db
def test_championship_list_links_to_the_standings(wk_sprint_after_3, client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'<a href="/wk-sprint-2024-women/">World Sprint Championships 2024 — Women</a>', html)
    assert "Max Aicher Arena, Inzell" in html
    assert client.get(PAGE).status_code == 200


@pytest.mark.django_db
def test_distance_page_second_500m(wk_sprint_after_3, client):
    found = tables(client.get(f"/{SLUG}/distances/3/"))
    results = body_rows(found["results"])
    # rank, skater, time (+ badges), behind, points
    assert results[0][:2] == ["1", "Femke Kok NED"]
    assert results[0][2].split() == ["37.07", "=TR"]
    assert (results[0][3], results[0][4]) == ("", "37.070")
    assert results[1][:2] == ["2", "Kim Min-sun KOR"]
    assert (results[1][2], results[1][3]) == ("37.11", "+0.04")
    # The article: Leerdam sixth, exactly half a second down; Takagi fourth.
    assert (results[3][0], results[3][1]) == ("4", "Miho Takagi JPN")
    assert (results[5][0], results[5][1], results[5][3]) == ("6", "Jutta Leerdam NED", "+0.50")
    assert len(results) == 10

    pairs = body_rows(found["pairs"])
    assert [p[0] for p in pairs] == ["1", "2", "3", "4", "5"]
    last = pairs[4]
    assert last[1].split()[:3] == ["Miho", "Takagi", "37.19"]
    assert last[2].split()[:3] == ["Femke", "Kok", "37.07"]
    # "In een directe race pakte ze 0,12 seconden op Miho Takagi."
    assert last[3] == "Femke Kok by 0.12"


@pytest.mark.django_db
def test_distance_page_of_the_final_before_it_is_skated(wk_sprint_after_3, client):
    found = tables(client.get(f"/{SLUG}/distances/4/"))
    assert body_rows(found["results"]) == [["No results yet."]]
    pairs = body_rows(found["pairs"])
    assert pairs[0][0] == "1 next"
    assert pairs[4][1:3] == ["Femke Kok", "Miho Takagi"]


@pytest.mark.django_db
@pytest.mark.parametrize("order", [0, 5, 9])
def test_distance_page_of_unknown_distance_is_404(wk_sprint_after_3, client, order):
    assert client.get(f"/{SLUG}/distances/{order}/").status_code == 404


# --- cost: a fixed, small number of queries --------------------------------------------------------


def _bigger(seed, extra=20):
    """The seed with `extra` more skaters, each with a start and a result on every distance."""
    data = copy.deepcopy(seed)
    data["slug"] = "wk-sprint-2024-women-big"
    names = [f"Extra Skater {n:02}" for n in range(1, extra + 1)]
    data["skaters"] += [{"name": name, "country": "NOR"} for name in names]
    for order, meters in ((1, 500), (2, 1000), (3, 500), (4, 1000)):
        for n, name in enumerate(names):
            base = Decimal("38.50") if meters == 500 else Decimal("76.50")
            seconds = base + Decimal(n) / 10
            time = f"{int(seconds // 60)}:{seconds % 60:05.2f}" if seconds >= 60 else f"{seconds:.2f}"
            data["results"].append({"distance": order, "skater": name, "time": time})
        for p in range(0, extra, 2):
            data["pairs"].append(
                {"distance": order, "pair": 6 + p // 2, "inner": names[p], "outer": names[p + 1]}
            )
    return data


def _query_count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


URLS = [
    "/{slug}/",
    "/{slug}/standings.json",
    "/{slug}/distances/3/",
    "/{slug}/?after=2",
    "/{slug}/standings.json?after=2",
]


@pytest.mark.django_db
@pytest.mark.parametrize("url", URLS)
def test_pages_cost_a_fixed_small_number_of_queries(
    wk_sprint_after_3, seed_data, client, url, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        assert client.get(url.format(slug=SLUG)).status_code == 200
    small = _query_count(client, url.format(slug=SLUG))

    big = load(_bigger(seed_data))
    assert big.skaters.count() == 30
    response = client.get(f"/{big.slug}/standings.json")
    assert len(response.json()["rows"]) == 30
    assert _query_count(client, url.format(slug=big.slug)) == small


@pytest.mark.django_db
def test_championship_list_cost_does_not_grow_with_championships(wk_sprint_after_3, seed_data, client):
    one = _query_count(client, "/")
    load(_bigger(seed_data))
    assert _query_count(client, "/") == one <= 3


def test_personal_bests_from_one_minute_up_give_pb_badges(client, db, seed_data):
    from championships.championship_file import load

    seed_data["skaters"][1]["pb"] = {"500": "37.10", "1000": "1:14.00"}  # Femke Kok
    championship = load(seed_data)
    rows = {r["skater"]["name"]: r for r in client.get(f"/{championship.slug}/standings.json").json()["rows"]}
    badges = [cell["badges"] for cell in rows["Femke Kok"]["distances"]]
    # 37.07 beats her 37.10 (then equals it on day two: no PB); 1:13.57 beats 1:14.00.
    assert badges == [["TR", "PB"], [], ["=TR"], ["PB"]]


@pytest.mark.parametrize(
    "url, fragment",
    [(PAGE, '<section id="classification"'), (f"/{SLUG}/distances/3/", '<section id="distance-3"')],
)
def test_an_htmx_request_gets_only_the_live_fragment(wk_sprint_after_3, client, url, fragment):
    """The same partial as the push: the fragment alone, no page around it."""
    html = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert html.lstrip().startswith(fragment)
    assert "<html" not in html and "<html" in client.get(url).content.decode()
