"""Start lists pasted or uploaded in the admin: checked line by line, saved all at once or not at all."""

from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from championships.championship_file import load
from championships.models import Championship, Distance, Result, Skater
from championships.officials import ensure_official
from tests.support.pages import text as page_text
from tests.support.seed import seed_data


@pytest.fixture
def before_the_start(db):
    """The seed championship with its start lists and no results yet."""
    return load(seed_data(), results_until=0)


def url(distance):
    return reverse("admin:championships_distance_start_list", args=[distance.pk])


def paste(client, distance, lines):
    return client.post(url(distance), {"lines": lines}, follow=True)


def upload(client, distance, content, name="start-list.csv"):
    return client.post(url(distance), {"upload": SimpleUploadedFile(name, content)}, follow=True)


def text(html):
    return unescape(page_text(html))


def start_list(distance):
    return list(distance.starts.order_by("pair", "lane").values_list("pair", "lane", "skater__name"))


FIRST_500 = (
    "1\tVanessa Herzog\tTian Ruining\n"
    "2\tkok\tTAKAGI\n"
    "3\tJutta Leerdám\tE. Smeding\n"  # an accent too many, an initial
    "\n"
    "4\tJackson Erin\tKimi Goetz (USA)\n"  # the other way round, with the country
    "5\tIsabel Grevelt\t\n"
    "6\t\tKim Min-sun\n"
)
SAVED = [
    (1, "inner", "Vanessa Herzog"),
    (1, "outer", "Tian Ruining"),
    (2, "inner", "Femke Kok"),
    (2, "outer", "Miho Takagi"),
    (3, "inner", "Jutta Leerdam"),
    (3, "outer", "Ellia Smeding"),
    (4, "inner", "Erin Jackson"),
    (4, "outer", "Kimi Goetz"),
    (5, "inner", "Isabel Grevelt"),
    (6, "outer", "Kim Min-sun"),
]


def test_a_pasted_start_list_replaces_the_distance_s(official_client, before_the_start):
    distance = before_the_start.distances.get(order=1)
    response = paste(official_client, distance, FIRST_500)
    assert start_list(distance) == SAVED
    page = text(response.content.decode())
    assert "Start list of distance 1 (500 m) saved: 6 pairs, 10 skaters." in page
    assert "Pair Inner (white) Outer (red) 1 Vanessa Herzog Tian Ruining 2 Femke Kok Miho Takagi" in page
    assert "5 Isabel Grevelt — 6 — Kim Min-sun" in page


def test_semicolons_commas_and_a_csv_upload_with_a_header(official_client, before_the_start):
    distance = before_the_start.distances.get(order=2)
    lines = FIRST_500.replace("\t", ";")
    paste(official_client, distance, lines)
    assert start_list(distance) == SAVED
    distance.starts.all().delete()
    csv = 'Pair,Inner,Outer\r\n1,Vanessa Herzog,Tian Ruining\r\n2,"Kok, Femke",Takagi\r\n'
    response = upload(official_client, distance, ("\ufeff" + csv).encode("utf-8"))
    assert start_list(distance) == SAVED[:4]
    # Not in it: the official sees who is missing.
    assert "Not in it: Ellia Smeding, Erin Jackson, Isabel Grevelt" in text(response.content.decode())
    upload(official_client, distance, "1;Jutta Leerdám;Kim Min-sun\n".encode("cp1252"))
    assert start_list(distance) == [(1, "inner", "Jutta Leerdam"), (1, "outer", "Kim Min-sun")]


def test_one_line_per_skater_with_its_lane(official_client, before_the_start):
    distance = before_the_start.distances.get(order=1)
    paste(official_client, distance, "1, inner, Kok\n1, red, Takagi\n2, white, Leerdam")
    assert start_list(distance) == [
        (1, "inner", "Femke Kok"),
        (1, "outer", "Miho Takagi"),
        (2, "inner", "Jutta Leerdam"),
    ]


def test_every_bad_line_is_reported_and_nothing_is_saved(official_client, before_the_start):
    distance = before_the_start.distances.get(order=1)
    Skater.objects.create(championship=before_the_start, name="Anna Kok", country="NED")
    before = start_list(distance)
    lines = (
        "1, Herzog, Tian\n"
        "2, Kok, Takagi\n"  # two skaters are named Kok now
        "3, Leerdam, Nobody Atall\n"
        "x, Smeding, Jackson\n"
        "1, Goetz, Grevelt\n"
        "4, Herzog, Kim Min-sun\n"
        "5, inner, Femke Kok\n"
        "5, inner, Anna Kok\n"
        "6, Jackson, Jackson\n"
        "7,,\n"
        "8, Goetz, Grevelt, Kim Min-sun\n"
    )
    response = paste(official_client, distance, lines)
    page = text(response.content.decode())
    assert "Nothing was saved: 9 lines to correct." in page
    for problem in [
        "Line 2: 'Kok' could be Anna Kok or Femke Kok: write the full name.",
        "Line 3: no skater 'Nobody Atall' in this championship.",
        "Line 4: the pair number 'x' is not a number: start each line with the pair number.",
        "Line 5: pair 1 is repeated (also on line 1).",
        "Line 6: Vanessa Herzog is already in pair 1 (line 1).",
        "Line 8: the inner lane of pair 5 is taken twice (also on line 7).",
        "Line 9: Erin Jackson is twice on this line.",
        "Line 10: pair 7 has no skater.",
        "Line 11: 4 columns: write pair number, inner skater, outer skater (3 columns).",
    ]:
        assert problem in page
    assert start_list(distance) == before
    # What was typed stays in the box, to correct.
    assert "3, Leerdam, Nobody Atall" in response.content.decode()


def test_a_skater_who_withdrew_is_refused(official_client, before_the_start):
    distance = before_the_start.distances.get(order=1)
    kok = before_the_start.skaters.get(name="Femke Kok")
    Result.objects.create(distance=distance, skater=kok, status="WDR")
    response = paste(official_client, distance, "1, Kok, Takagi")
    assert "Line 1: Femke Kok has withdrawn (WDR on distance 1)." in text(response.content.decode())
    response = paste(official_client, before_the_start.distances.get(order=3), "1, Kok, Takagi")
    assert "Line 1: Femke Kok has withdrawn (WDR on distance 1)." in text(response.content.decode())
    paste(official_client, distance, "1, Leerdam, Takagi")  # a withdrawal is no result: replaced
    assert start_list(distance) == [(1, "inner", "Jutta Leerdam"), (1, "outer", "Miho Takagi")]


def test_refused_on_an_official_distance(official_client, before_the_start):
    distance = before_the_start.distances.get(order=1)
    Distance.objects.filter(pk=distance.pk).update(official=True)
    before = start_list(distance)
    response = paste(official_client, distance, "1, Kok, Takagi")
    assert "Distance 1 (500 m) is official: its results and start list cannot be changed" in text(
        response.content.decode()
    )
    assert start_list(distance) == before


def test_refused_once_the_distance_has_results(official_client, wk_sprint_after_3):
    distance = wk_sprint_after_3.distances.get(order=3)
    before = start_list(distance)
    response = paste(official_client, distance, "1, Kok, Takagi")
    assert "Distance 3 (500 m) already has results: its start list is not replaced as a whole." in text(
        response.content.decode()
    )
    assert start_list(distance) == before


@pytest.mark.parametrize(
    "lines",
    [
        "",
        "\n\n",
        "Pair, Inner, Outer",
        "0, Kok, Takagi",
        "99999, Kok",
        "١, Kok",
        "1, K\x00k",
        "1,\u202eKok",
        "x" * 100_001,
    ],
)
def test_bad_input_is_told_never_a_500(official_client, before_the_start, lines):
    distance = before_the_start.distances.get(order=1)
    before = start_list(distance)
    response = paste(official_client, distance, lines)
    assert response.status_code == 200
    assert 'class="errornote"' in response.content.decode() or "errorlist" in response.content.decode()
    assert start_list(distance) == before


@pytest.mark.parametrize("content", [b"\x00\x01\x02\xff" * 10, b"\xff\xfe1\x00,\x00", b"x" * 300_000])
def test_an_upload_that_is_no_start_list_is_told(official_client, before_the_start, content):
    distance = before_the_start.distances.get(order=1)
    before = start_list(distance)
    response = upload(official_client, distance, content)
    assert response.status_code == 200
    assert "Nothing was saved" in text(response.content.decode())
    assert start_list(distance) == before


SIX = ["Anna Aa", "Bea Bé", "Cora Ce", "Dana De", "Eva Ee", "Fay Ef"]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_in_the_browser_pasted_days_one_and_the_second_500m_proposed(live_server, chromium):
    """A six-skater sprint as an official runs it by the labels: paste the start lists of
    distances 1 and 2, then have distance 3 proposed by the rule and save it."""
    championship = Championship.objects.create(name="Six", slug="six", kind="sprint")
    distances = [
        Distance.objects.create(championship=championship, order=order, meters=meters)
        for order, meters in enumerate((500, 1000, 500, 1000), start=1)
    ]
    skaters = {
        name: Skater.objects.create(championship=championship, name=name, country="NED") for name in SIX
    }
    username, password = ensure_official()
    page = chromium.new_page(viewport={"width": 1366, "height": 768})
    page.goto(live_server.url + "/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    for distance, lines in (
        (distances[0], "1\tAa\tbe\n2\tCe\tDe\n3\tEe\tEf"),
        (distances[1], "1;Ef;Ee\n2;De;Ce\n3;Be;Aa"),
    ):
        page.goto(f"{live_server.url}/admin/championships/distance/{distance.pk}/change/")
        page.get_by_role("link", name="Start list: paste, propose or draw").click()
        page.get_by_label("Start list lines").fill(lines)
        page.get_by_role("button", name="Check and save the start list").click()
        assert (
            f"Start list of distance {distance.order} ({distance.meters} m) saved: 3 pairs, 6 skaters."
            in (page.content())
        )
    # Day 1 skated: on points, Anna leads, then Bea, Cora...
    for distance in distances[:2]:
        for place, name in enumerate(SIX):
            Result.objects.create(
                distance=distance, skater=skaters[name], time=f"{distance.meters / 12.5 + place:.2f}"
            )
    page.goto(f"{live_server.url}/admin/championships/distance/{distances[2].pk}/start-list/")
    page.get_by_role("button", name="Propose pairs by the rule").click()
    page.get_by_role("button", name="Save this start list").click()
    assert "Start list of distance 3 (500 m) saved: 3 pairs, 6 skaters." in page.content()
    assert start_list(distances[2]) == [
        (1, "inner", "Fay Ef"),
        (1, "outer", "Eva Ee"),
        (2, "inner", "Dana De"),
        (2, "outer", "Cora Ce"),
        (3, "inner", "Bea Bé"),
        (3, "outer", "Anna Aa"),
    ]
