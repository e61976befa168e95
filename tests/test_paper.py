"""Paper (championships/paper.py): the start lists, result lists and classification as the rink's
board shows them, and the public pages printed from the browser (static/print.css).

Seed: World Sprint 2024 women, ten skaters. Kok won the first 500 m in 37.07, a track record;
Takagi set the 1000 m track record on distance 2 (1:13.32) and won on 147.545, Kok 148.100
(0.555 behind), Leerdam 148.265 (0.720); Grevelt was disqualified on the last 1000 m.
"""

import re

import pytest

from championships.championship_file import load
from championships.models import Distance, Result
from tests.support.pages import text
from tests.support.seed import SEED_SLUG as SLUG

pytestmark = pytest.mark.django_db

START_LIST_4 = f"/{SLUG}/print/start-list/4/"
RESULTS_1 = f"/{SLUG}/print/results/1/"
CLASSIFICATION = f"/{SLUG}/print/classification/"


def field_of_24(data):
    """The seed with 14 more skaters (as many as a World Sprint's field), each with personal bests,
    a start on every distance (pairs 6-12) and a time."""
    for index in range(14):
        name = f"Alexandra Vandermeulen-{index + 1:02d}"
        data["skaters"].append({"name": name, "country": "BEL", "pb": {"500": "38.10", "1000": "1:15.40"}})
        for order, meters in ((1, 500), (2, 1000), (3, 500), (4, 1000)):
            pair, lane = 6 + index // 2, "inner" if index % 2 == 0 else "outer"
            line = next((p for p in data["pairs"] if (p["distance"], p["pair"]) == (order, pair)), None)
            if line is None:
                line = {"distance": order, "pair": pair}
                data["pairs"].append(line)
            line[lane] = name
            time = f"{38.30 + index / 20:.2f}" if meters == 500 else f"1:{16 + index / 10:05.2f}"
            data["results"].append({"distance": order, "skater": name, "time": time})
    return data


def rows(html, pattern=r"<tr[^>]*data-skater[^>]*>.*?</tr>"):
    return [text(row) for row in re.findall(pattern, html, re.S)]


def page(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200
    return response.content.decode()


def test_the_start_list_gives_each_pair_its_lanes_names_countries_and_personal_bests(client, seed_data):
    # The seed has no personal bests: Kok and Takagi get theirs (and a 500 m one, not shown here).
    bests = {"Femke Kok": {"1000": "1:13.02", "500": "36.91"}, "Miho Takagi": {"1000": "1:12.83"}}
    for skater in seed_data["skaters"]:
        skater["pb"] = bests.get(skater["name"], {})
    load(seed_data)
    html = page(client, START_LIST_4)
    lanes = rows(html, r"<tr[^>]*data-pair[^>]*>.*?</tr>")
    assert lanes[-2:] == ["5 inner Femke Kok NED 1:13.02", "outer Miho Takagi JPN 1:12.83"]
    assert lanes[:2] == ["1 inner Ellia Smeding GBR", "outer Isabel Grevelt NED"]
    assert len(lanes) == 10
    shown = text(html)
    assert (
        "World Sprint Championships 2024 — Women Max Aicher Arena, Inzell · Friday 8 March 2024 · day 2"
        in shown
    )
    assert "Start list 1000 m distance 4" in shown
    assert "PB 1000 m" in shown
    # The track record as it stands before the distance: Takagi's 1:13.32 of distance 2.
    assert "Records: TR 1:13.32 Miho Takagi" in shown


def test_the_start_list_of_a_first_distance_names_the_record_from_before_the_championship(client, wk_sprint):
    shown = text(page(client, f"/{SLUG}/print/start-list/1/"))
    assert "Records: TR 37.12 (before this championship)" in shown
    assert "Thursday 7 March 2024 · day 1" in shown


def test_the_result_list_ranks_with_time_badges_points_and_margin(client, wk_sprint):
    html = page(client, RESULTS_1)
    lines = rows(html)
    assert lines[:2] == ["1 Femke Kok NED 37.07 TR 37.070", "2 Miho Takagi JPN 37.13 37.130 +0.06"]
    assert lines[-1] == "10 Ellia Smeding GBR 38.21 38.210 +1.14"
    assert "Results 500 m distance 1" in text(html)


def test_the_result_list_shows_a_disqualification_as_its_status(client, wk_sprint):
    lines = rows(page(client, f"/{SLUG}/print/results/4/"))
    assert lines[0] == "1 Jutta Leerdam NED 1:12.86 TR 36.430"
    assert lines[-1] == "DQ Isabel Grevelt NED 1:15.28"


def test_the_classification_gives_every_distance_the_total_and_the_deficit(client, wk_sprint):
    html = page(client, CLASSIFICATION)
    lines = rows(html)
    assert lines[:3] == [
        "1 Miho Takagi JPN 37.13 37.130 1:13.32 TR 36.660 37.19 37.190 1:13.13 36.565 147.545",
        "2 Femke Kok NED 37.07 TR 37.070 1:14.35 37.175 37.07 =TR 37.070 1:13.57 36.785 148.100 0.555",
        "3 Jutta Leerdam NED 37.41 37.410 1:13.71 36.855 37.57 37.570 1:12.86 TR 36.430 148.265 0.720",
    ]
    assert lines[-1] == "NC Isabel Grevelt NED 38.03 38.030 1:15.02 37.510 38.05 38.050 1:15.28 DQ"
    assert "Classification after the 1000 m (distance 4 of 4)" in text(html)


def test_the_classification_after_an_earlier_distance(client, wk_sprint):
    lines = rows(page(client, CLASSIFICATION + "?after=3"))
    assert lines[:2] == [
        "1 Miho Takagi JPN 37.13 37.130 1:13.32 TR 36.660 37.19 37.190 110.980",
        "2 Femke Kok NED 37.07 TR 37.070 1:14.35 37.175 37.07 =TR 37.070 111.315 0.335",
    ]


def test_paper_says_provisional_until_the_distances_are_official(client, wk_sprint):
    status = r'class="result-status result-status-(\w+)"'
    assert re.findall(status, page(client, RESULTS_1)) == ["provisional"]
    assert re.findall(status, page(client, CLASSIFICATION)) == ["provisional"]
    Distance.objects.filter(championship=wk_sprint, order=1).update(official=True)
    assert re.findall(status, page(client, RESULTS_1)) == ["official"]
    assert "OFFICIAL" not in page(client, RESULTS_1)  # capitals are the style's, the text is the word
    # The classification is official only when every distance in it is.
    assert re.findall(status, page(client, CLASSIFICATION)) == ["provisional"]
    assert re.findall(status, page(client, CLASSIFICATION + "?after=1")) == ["official"]
    Distance.objects.filter(championship=wk_sprint).update(official=True)
    assert re.findall(status, page(client, CLASSIFICATION)) == ["official"]


def test_paper_in_dutch(client, wk_sprint):
    dutch = {"HTTP_ACCEPT_LANGUAGE": "nl"}
    start = text(page(client, START_LIST_4, **dutch))
    assert "Ritindeling 1000 m afstand 4" in start
    assert "Rit Baan Schaatser Land PR 1000 m" in start
    assert "5 binnen Femke Kok NED buiten Miho Takagi JPN" in start
    assert "vrijdag 8 maart 2024 · dag 2" in start
    assert "voorlopig" in start
    results = page(client, RESULTS_1, **dutch)
    assert rows(results)[:2] == ["1 Femke Kok NED 37,07 TR 37,070", "2 Miho Takagi JPN 37,13 37,130 +0,06"]
    assert "Uitslag 500 m afstand 1" in text(results)
    classification = page(client, CLASSIFICATION, **dutch)
    assert rows(classification)[1] == (
        "2 Femke Kok NED 37,07 TR 37,070 1.14,35 37,175 37,07 =TR 37,070 1.13,57 36,785 148,100 0,555"
    )
    assert "Klassement na de 1000 m" in text(classification)


@pytest.mark.parametrize(
    "url",
    [
        f"/{SLUG}/print/start-list/5/",
        f"/{SLUG}/print/start-list/0/",
        f"/{SLUG}/print/results/5/",
        f"/{SLUG}/print/classification/?after=5",
        "/no-such-championship/print/classification/",
        "/no-such-championship/print/results/1/",
    ],
)
def test_unknown_distances_and_championships_are_404(client, wk_sprint, url):
    assert client.get(url).status_code == 404


def test_paper_has_no_navigation_and_no_script(client, wk_sprint):
    for url in (START_LIST_4, RESULTS_1, CLASSIFICATION):
        html = page(client, url)
        assert "<script" not in html and "<nav" not in html and "<form" not in html and "hx-ws" not in html
        assert "paper.css" in html and "sprintboard.css" not in html


def test_the_pages_link_to_their_paper(client, wk_sprint, official_client):
    distance = page(client, f"/{SLUG}/distances/4/")
    assert f'href="{START_LIST_4}"' in distance and f'href="/{SLUG}/print/results/4/"' in distance
    assert f'href="{CLASSIFICATION}"' in page(client, f"/{SLUG}/")
    assert f'href="{CLASSIFICATION}?after=2"' in page(client, f"/{SLUG}/?after=2")
    fourth = Distance.objects.get(championship=wk_sprint, order=4)
    admin = page(official_client, f"/admin/championships/distance/{fourth.pk}/change/")
    assert f'href="{START_LIST_4}"' in admin and f'href="/{SLUG}/print/results/4/"' in admin
    assert "Print start list" in admin and "Print results" in admin


def test_the_public_pages_link_their_print_stylesheet(client, wk_sprint):
    for url in (f"/{SLUG}/", f"/{SLUG}/distances/1/", f"/{SLUG}/h2h/"):
        assert '<link rel="stylesheet" href="/static/print.css" media="print">' in page(client, url)


def pdf_pages(pdf):
    """The number of pages of a PDF that Chromium wrote (its page objects are not compressed)."""
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


@pytest.mark.django_db(transaction=True)
def test_a_field_of_24_prints_on_one_a4_page_each(live_server, chromium, seed_data):
    load(field_of_24(seed_data))
    context = chromium.new_context()
    tab = context.new_page()
    for url in (CLASSIFICATION, START_LIST_4, RESULTS_1):
        tab.goto(live_server.url + url)
        assert tab.locator("tr[data-skater], tr[data-pair]").count() == 24, url
        assert pdf_pages(tab.pdf(prefer_css_page_size=True)) == 1, url
    # During the last distance the classification has three groups and still fits.
    Result.objects.filter(distance__order=4, skater__name__in=["Miho Takagi", "Femke Kok"]).delete()
    tab.goto(live_server.url + CLASSIFICATION)
    assert tab.locator("tr.group").count() == 3
    assert pdf_pages(tab.pdf(prefer_css_page_size=True)) == 1
    context.close()


@pytest.mark.django_db(transaction=True)
def test_the_standings_printed_from_the_browser_keep_only_the_results(
    live_server, chromium, wk_sprint_after_3
):
    context = chromium.new_context(viewport={"width": 1366, "height": 768})
    tab = context.new_page()
    tab.goto(f"{live_server.url}/{SLUG}/")
    tab.emulate_media(media="print")
    # The what-if panel is a control: on paper it would read as a heading without its form.
    for hidden in ("header.site", "nav.championship", ".live", "section.what-if", ".downloads"):
        assert not tab.locator(hidden).first.is_visible(), hidden
    assert tab.locator("#classification table.standings").is_visible()
    # Black on white, and the table as wide as the paper at most: nothing cut at the right.
    colours = tab.evaluate(
        "[document.body, document.querySelector('.badge-tr')].map(e => getComputedStyle(e).color)"
        ".concat(getComputedStyle(document.body).backgroundColor)"
    )
    assert colours == ["rgb(0, 0, 0)", "rgb(0, 0, 0)", "rgb(255, 255, 255)"]
    assert pdf_pages(tab.pdf(prefer_css_page_size=True)) == 1
    context.close()


def test_during_a_distance_the_classification_tells_skated_from_still_to_skate(client, wk_sprint):
    Result.objects.filter(distance__order=4, skater__name="Miho Takagi").delete()
    html = page(client, CLASSIFICATION)
    groups = [text(g) for g in re.findall(r'<tr class="group">.*?</tr>', html, re.S)]
    assert groups == [
        "Skated the 1000 m: places among those who have skated it",
        "Still to skate the 1000 m: their places after the 500 m",
        "Not classified",
    ]
    lines = rows(html)
    assert (
        lines[0] == "1 Femke Kok NED 37.07 TR 37.070 1:14.35 37.175 37.07 =TR 37.070 1:13.57 36.785 148.100"
    )
    assert lines[-2] == "(1) Miho Takagi JPN 37.13 37.130 1:13.32 TR 36.660 37.19 37.190"
    assert lines[-1].startswith("NC Isabel Grevelt")
    assert "Classification during the 1000 m" in text(html)
