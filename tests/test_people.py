"""For spectators, commentators and officials (issue #8): Dutch and English pages, CSV exports,
provisional / official results, the charts, the TV mode.

Seed: World Sprint 2024 women. After three distances Takagi leads on 110.980 and Kok is second on
111.315, 0.335 points = 0.67 s on the final 1000 m; Takagi skated the first 1000 m in 1:13.32.
"""

import csv
import io
import itertools
import re
from decimal import Decimal

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.core.cache import cache
from django.urls import reverse

from championships import charts
from championships.display import points_text, seconds_text, time_text
from championships.live import changes as live
from championships.models import Championship, Distance
from championships.officials import ensure_official
from championships.standings import Standings

SLUG = "wk-sprint-2024-women"
PAGE = f"/{SLUG}/"
FEED = f"/{SLUG}/standings.json"
STANDINGS_CSV = f"/{SLUG}/standings.csv"

pytestmark = pytest.mark.django_db


def row(html, name):
    """The classification row of the skater called `name`."""
    for match in re.finditer(r"<tr[^>]*data-skater=[^>]*>.*?</tr>", _classification(html), re.S):
        if f">{name}</a>" in match.group(0):
            return match.group(0)
    raise AssertionError(f"no row for {name}")


def _classification(html):
    start = html.index('<section id="classification"')
    return html[start : html.index("</table>", start)]


def text(html):
    """The visible text, tags removed, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def skater_id(championship, name):
    return championship.skaters.get(name=name).pk


def read_csv(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


# --- numbers ------------------------------------------------------------------------------------


def test_display_writes_dutch_and_english_numbers():
    assert time_text(Decimal("73.32")) == "1:13.32"
    assert time_text(Decimal("73.32"), ",") == "1.13,32"
    assert time_text(Decimal("37.07"), ",") == "37,07"
    assert time_text(Decimal("784.76"), ",") == "13.04,76"
    assert points_text(Decimal("111.315"), ",") == "111,315"
    assert seconds_text(Decimal("0.67"), ",") == "0,67"
    assert time_text(None) is None


# --- languages ----------------------------------------------------------------------------------


def test_standings_page_in_dutch_from_the_browser_language(wk_sprint_after_3, client):
    html = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="nl,en;q=0.5").content.decode()
    assert '<html lang="nl">' in html
    kok = text(row(html, "Femke Kok"))
    assert "111,315" in kok and "0,67" in kok and "0,335" in kok
    assert "111.315" not in kok and "0.67" not in kok
    takagi = text(row(html, "Miho Takagi"))
    assert "1.13,32" in takagi and "110,980" in takagi
    assert "Klassement na de 500 m" in html
    assert "Volgende afstand: 1000 m" in html
    assert "voorlopig" in html
    assert "7–8 maart 2024" in html
    # The live feed of a Dutch page is the Dutch one.
    assert f'hx-ws:connect="/ws/{SLUG}/?lang=nl"' in html


def test_standings_page_in_dutch_from_the_language_cookie(wk_sprint_after_3, client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    html = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    kok = text(row(html, "Femke Kok"))
    assert "0,67" in kok and "111,315" in kok
    assert "1.13,32" in text(row(html, "Miho Takagi"))


def test_standings_page_in_english(wk_sprint_after_3, client):
    html = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en">' in html
    kok = text(row(html, "Femke Kok"))
    assert "0.67" in kok and "111.315" in kok
    assert "0,67" not in kok
    assert "1:13.32" in text(row(html, "Miho Takagi"))
    assert "Classification after the 500 m" in html
    assert "provisional" in html


def test_the_json_feed_is_the_same_in_every_language(wk_sprint_after_3, client):
    english = client.get(FEED, HTTP_ACCEPT_LANGUAGE="en")
    dutch = client.get(FEED, HTTP_ACCEPT_LANGUAGE="nl")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    cookie = client.get(FEED)
    assert english.content == dutch.content == cookie.content
    kok = next(r for r in dutch.json()["rows"] if r["skater"]["name"] == "Femke Kok")
    assert (kok["points"], kok["behind_leader_seconds"]) == ("111.315", "0.67")
    assert re.fullmatch(r"1:\d\d\.\d\d", kok["distances"][1]["time"])


def test_distance_page_in_dutch(wk_sprint_after_3, client):
    html = client.get(f"/{SLUG}/distances/2/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "1.13,32" in html and "1:13.32" not in html
    assert "Ritindeling" in html and "binnenbaan" in html and "buitenbaan" in html
    assert 'title="baanrecord"' in html


def test_head_to_head_in_dutch(wk_sprint_after_3, client):
    a, b = skater_id(wk_sprint_after_3, "Miho Takagi"), skater_id(wk_sprint_after_3, "Femke Kok")
    html = client.get(f"/{SLUG}/h2h/?a={a}&b={b}", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "<strong>Miho Takagi</strong> staat <strong>0,335</strong> punten voor" in html
    assert "<strong>0,67 s</strong> op de 1000 m" in html
    assert "Na 3 afstanden:" in html


def test_set_language_switches_the_pages(wk_sprint_after_3, client):
    html = client.get(PAGE).content.decode()
    # The switch in the header: a form posting to set_language, with its CSRF token.
    form = re.search(r'<form class="language" action="([^"]+)" method="post">(.*?)</form>', html, re.S)
    assert form and form.group(1) == reverse("set_language")
    assert 'name="csrfmiddlewaretoken"' in form.group(2)
    assert 'name="language" value="nl"' in form.group(2)
    assert f'name="next" value="{PAGE}"' in form.group(2)

    response = client.post(reverse("set_language"), {"language": "nl", "next": PAGE})
    assert response.status_code == 302 and response.url == PAGE
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "nl"
    assert "0,67" in text(row(client.get(PAGE).content.decode(), "Femke Kok"))

    client.post(reverse("set_language"), {"language": "en", "next": PAGE})
    assert "0.67" in text(row(client.get(PAGE).content.decode(), "Femke Kok"))


def test_set_language_needs_the_csrf_token(wk_sprint_after_3):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(reverse("set_language"), {"language": "nl", "next": PAGE}).status_code == 403


# --- CSV ----------------------------------------------------------------------------------------


def test_standings_csv(wk_sprint_after_3, client):
    rows = read_csv(client.get(STANDINGS_CSV, HTTP_ACCEPT_LANGUAGE="nl"))
    header, body = rows[0], rows[1:]
    assert len(body) == 10
    assert header[:4] == ["rank", "status", "skater", "country"]
    column = {name: i for i, name in enumerate(header)}
    assert "500 m #1 time" in column and "500 m #3 points" in column
    by_name = {r[column["skater"]]: r for r in body}
    takagi, kok = by_name["Miho Takagi"], by_name["Femke Kok"]
    # English numbers whatever the page language.
    assert (takagi[column["rank"]], takagi[column["points"]]) == ("1", "110.980")
    assert takagi[column["1000 m #2 time"]] == "1:13.32"
    assert kok[column["behind leader s on 1000 m"]] == "0.67"
    assert (kok[column["rank"]], kok[column["points"]], kok[column["behind leader"]]) == (
        "2",
        "111.315",
        "0.335",
    )
    assert kok[column["500 m #1 badges"]] == "TR"
    assert [r[column["skater"]] for r in body][:3] == ["Miho Takagi", "Femke Kok", "Jutta Leerdam"]
    response = client.get(STANDINGS_CSV)
    assert "attachment" in response["Content-Disposition"]


def test_standings_csv_after_a_distance(wk_sprint_after_3, client):
    rows = read_csv(client.get(STANDINGS_CSV + "?after=2"))
    column = {name: i for i, name in enumerate(rows[0])}
    kok = next(r for r in rows[1:] if r[column["skater"]] == "Femke Kok")
    assert kok[column["behind leader s on 500 m"]] == "0.46"
    assert "500 m #3 time" not in column
    assert client.get(STANDINGS_CSV + "?after=9").status_code == 404
    assert client.get(STANDINGS_CSV + "?after=²").status_code == 404


def test_standings_csv_after_the_final_lists_the_nc_skater(wk_sprint, client):
    rows = read_csv(client.get(STANDINGS_CSV))
    column = {name: i for i, name in enumerate(rows[0])}
    assert not any(name.startswith("behind leader s") for name in column)
    grevelt = rows[-1]
    assert (grevelt[column["skater"]], grevelt[column["rank"]], grevelt[column["status"]]) == (
        "Isabel Grevelt",
        "",
        "NC",
    )
    assert grevelt[column["1000 m #4 status"]] == "DQ"


def test_distance_csv(wk_sprint_after_3, client):
    rows = read_csv(client.get(f"/{SLUG}/distances/3/results.csv", HTTP_ACCEPT_LANGUAGE="nl"))
    assert rows[0] == [
        "rank",
        "skater",
        "country",
        "time",
        "status",
        "behind",
        "points",
        "badges",
        "pair",
        "lane",
        "splits",
    ]
    assert len(rows) == 11
    assert rows[1][:8] == ["1", "Femke Kok", "NED", "37.07", "", "0.00", "37.070", "=TR"]
    assert rows[1][8:10] == ["5", "outer"]
    assert rows[2][:6] == ["2", "Kim Min-sun", "KOR", "37.11", "", "0.04"]


def test_distance_csv_before_it_is_skated_is_the_start_list(wk_sprint_after_3, client):
    rows = read_csv(client.get(f"/{SLUG}/distances/4/results.csv"))
    assert len(rows) == 11
    assert all(r[0] == "" and r[3] == "" for r in rows[1:])
    assert [r[8] for r in rows[1:]] == ["1", "1", "2", "2", "3", "3", "4", "4", "5", "5"]
    assert client.get(f"/{SLUG}/distances/5/results.csv").status_code == 404


def test_pages_link_to_their_csv(wk_sprint_after_3, client):
    assert f'href="{STANDINGS_CSV}"' in client.get(PAGE).content.decode()
    assert f'href="{STANDINGS_CSV}?after=2"' in client.get(PAGE + "?after=2").content.decode()
    assert f'href="/{SLUG}/distances/3/results.csv"' in client.get(f"/{SLUG}/distances/3/").content.decode()


# --- provisional / official ---------------------------------------------------------------------


def status_of(html, element_id):
    start = html.index(f'id="{element_id}"')
    match = re.search(r'class="result-status result-status-(\w+)"', html[start:])
    return match.group(1)


@pytest.fixture
def official_client(client, db):
    username, _ = ensure_official()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.fixture
def listening():
    """A channel in the championship's English and Dutch groups: what a browser would be sent."""
    cache.clear()
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    for language in ("en", "nl"):
        async_to_sync(layer.group_add)(live.group_name(SLUG, language), channel)
    yield lambda: async_to_sync(layer.receive)(channel)
    async_to_sync(layer.flush)()


def test_an_official_marks_distances_official_and_it_goes_live(
    wk_sprint_after_3, official_client, listening, django_capture_on_commit_callbacks
):
    page = official_client.get(PAGE).content.decode()
    assert status_of(page, "classification") == "provisional"
    revision = Championship.objects.get(slug=SLUG).revision
    distances = {d.order: d for d in wk_sprint_after_3.distances.all()}

    with django_capture_on_commit_callbacks(execute=True):
        response = official_client.post(
            reverse("admin:championships_distance_changelist"),
            {"action": "mark_official", "_selected_action": [distances[1].pk, distances[2].pk], "index": 0},
        )
    assert response.status_code == 302
    assert set(Distance.objects.filter(official=True).values_list("order", flat=True)) == {1, 2}
    assert Championship.objects.get(slug=SLUG).revision > revision
    # Pushed: the frame says distance 1 is official, the classification after 3 is not yet.
    frames = {}
    for _ in range(2):
        html = listening()["html"]
        frames["nl" if "voorlopig" in html else "en"] = html
    assert status_of(frames["en"], "distance-1") == "official"
    assert status_of(frames["en"], "classification") == "provisional"
    assert status_of(frames["en"], "distance-3") == "provisional"
    assert "officieel" in frames["nl"]
    assert (
        status_of(official_client.get(f"/{SLUG}/distances/1/").content.decode(), "distance-1") == "official"
    )

    with django_capture_on_commit_callbacks(execute=True):
        official_client.post(
            reverse("admin:championships_distance_changelist"),
            {"action": "mark_official", "_selected_action": [distances[3].pk], "index": 0},
        )
    page = official_client.get(PAGE).content.decode()
    assert status_of(page, "classification") == "official"
    assert ">official<" in page
    assert "official" in listening()["html"]
    # The JSON feed keeps its form (CONTRACT.md): the revision tells it changed.
    assert official_client.get(FEED).json()["revision"] > revision


def test_a_push_reads_the_standings_once_whatever_the_languages_followed(
    wk_sprint_after_3, django_capture_on_commit_callbacks
):
    """Each followed language gets a frame in its own words, from one reading of the database."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    layer = get_channel_layer()

    def push_and_count(*followed):
        async_to_sync(layer.flush)()
        channel = async_to_sync(layer.new_channel)()
        for language in followed:
            async_to_sync(layer.group_add)(live.group_name(SLUG, language), channel)
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks(execute=True),
            transaction.atomic(),
        ):
            live.championship_changed(wk_sprint_after_3.pk, 4)
        return len(queries), [async_to_sync(layer.receive)(channel)["html"] for _ in followed]

    try:
        both, frames = push_and_count("en", "nl")
        assert sorted("111,315" in frame for frame in frames) == [False, True]  # one Dutch, one English
        english_only, _ = push_and_count("en")
        assert both == english_only
    finally:
        async_to_sync(layer.flush)()


def test_marking_provisional_again(wk_sprint_after_3, official_client, django_capture_on_commit_callbacks):
    Distance.objects.filter(championship=wk_sprint_after_3).update(official=True)
    distance = wk_sprint_after_3.distances.get(order=3)
    with django_capture_on_commit_callbacks(execute=True):
        official_client.post(
            reverse("admin:championships_distance_changelist"),
            {"action": "mark_provisional", "_selected_action": [distance.pk], "index": 0},
        )
    distance.refresh_from_db()
    assert not distance.official
    assert status_of(official_client.get(PAGE).content.decode(), "classification") == "provisional"


def test_staff_without_result_rights_cannot_mark_official(wk_sprint_after_3, client):
    user = User.objects.create_user("viewer", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_distance"))
    client.force_login(user)
    distance = wk_sprint_after_3.distances.get(order=1)
    client.post(
        reverse("admin:championships_distance_changelist"),
        {"action": "mark_official", "_selected_action": [distance.pk], "index": 0},
    )
    distance.refresh_from_db()
    assert not distance.official


def test_the_distance_list_edits_official_in_place(
    wk_sprint_after_3, client, listening, django_capture_on_commit_callbacks
):
    client.force_login(User.objects.create_superuser("admin", password="x"))
    distances = list(Distance.objects.order_by("championship", "order"))
    data = {
        "form-TOTAL_FORMS": len(distances),
        "form-INITIAL_FORMS": len(distances),
        "form-MIN_NUM_FORMS": 0,
        "form-MAX_NUM_FORMS": 1000,
        "_save": "Save",
    }
    for i, distance in enumerate(distances):
        data[f"form-{i}-id"] = distance.pk
        if distance.order == 2:
            data[f"form-{i}-official"] = "on"
    revision = Championship.objects.get(slug=SLUG).revision
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:championships_distance_changelist"), data)
    assert response.status_code == 302
    assert list(Distance.objects.filter(official=True).values_list("order", flat=True)) == [2]
    assert Championship.objects.get(slug=SLUG).revision == revision + 1
    assert status_of(listening()["html"], "distance-2") == "official"


# --- charts -------------------------------------------------------------------------------------


def test_the_charts_are_in_the_live_classification(wk_sprint_after_3, client):
    html = client.get(PAGE).content.decode()
    section = html[html.index('<section id="classification"') : html.index("</section>")]
    assert section.count("<svg") == 2
    gap = section[section.index('<figure class="chart chart-gap">') : section.index("</figure>")]
    for name in ("Miho Takagi", "Femke Kok", "Jutta Leerdam", "Erin Jackson", "Vanessa Herzog"):
        assert f">{name}" in gap
    assert "Kimi Goetz" not in gap  # top 5 only
    assert "Femke Kok +0.335" in gap
    assert '<title id="chart-gap-title">' in gap and 'role="img"' in gap
    bump = section[section.index('<figure class="chart chart-bump">') :]
    for name in ("Miho Takagi", "Femke Kok", "Kimi Goetz", "Isabel Grevelt", "Ellia Smeding"):
        assert name in bump
    assert ">1. Miho Takagi</text>" in bump and ">10. Ellia Smeding</text>" in bump
    assert "stroke-dasharray" in bump
    # The frame pushed to browsers carries them too, numbers in the page's language but
    # coordinates always with a decimal point.
    frame = live.render_fragments(Standings(wk_sprint_after_3), "nl")
    assert frame.count("<svg") == 2 and "Femke Kok +0,335" in frame
    for attribute in re.findall(r'\s(?:x|y|x1|x2|y1|y2)="([^"]*)"', frame):
        assert "," not in attribute, attribute


def test_chart_coordinates(wk_sprint_after_3):
    standings = Standings(wk_sprint_after_3)
    gap = charts.gap_chart(standings)
    assert [s.skater.name for s in gap.series] == [
        "Miho Takagi",
        "Femke Kok",
        "Jutta Leerdam",
        "Erin Jackson",
        "Vanessa Herzog",
    ]
    takagi, kok = gap.series[0], gap.series[1]
    assert [p.value for p in kok.points] == [0, Decimal("0.455"), Decimal("0.335")]
    assert takagi.last.y == gap.top  # the leader on the top line
    assert kok.points[0].y == gap.top  # Kok led after the first 500 m
    assert all(gap.top <= p.y <= gap.bottom for s in gap.series for p in s.points)
    assert [t.position for t in gap.x_ticks] == [gap.left, (gap.left + gap.right) / 2, gap.right]

    bump = charts.bump_chart(standings)
    assert len(bump.series) == 10
    assert [p.value for p in bump.series[1].points] == [1, 2, 2]  # Kok
    assert len({(s.shape, s.dash) for s in bump.series}) == 10  # told apart without colour
    labels = sorted(s.label_y for s in bump.series)
    assert all(b - a >= charts.LABEL_SPACING - 0.1 for a, b in itertools.pairwise(labels))


def test_no_charts_before_two_distances_are_complete(wk_sprint_after_3, client):
    assert not charts.gap_chart(Standings(wk_sprint_after_3, after=1))
    assert "<svg" not in client.get(PAGE + "?after=1").content.decode()
    assert client.get(PAGE + "?after=2").content.decode().count("<svg") == 2


def test_a_distance_under_way_is_left_out_of_the_charts(wk_sprint):
    from championships.models import Result

    Result.objects.filter(distance__order=4, skater__name="Femke Kok").delete()
    standings = Standings(wk_sprint)
    assert standings.in_progress
    assert [d.order for d in charts.gap_chart(standings).distances] == [1, 2, 3]


def test_charts_are_drawn_again_when_what_they_show_changes(wk_sprint):
    """The page keeps each drawing (most saves leave the charts alone): a completed distance, a
    corrected name or another language must still show."""
    from championships.models import Result, Skater

    def gap_chart_html(language="en"):
        frame = live.render_fragments(Standings(wk_sprint), language)
        return frame[
            frame.index('<figure class="chart chart-gap">') : frame.index('<figure class="chart chart-bump">')
        ]

    complete = gap_chart_html()
    assert "Miho Takagi</text>" in complete and "Femke Kok +0.555</text>" in complete
    Result.objects.filter(distance__order=4, skater__name="Femke Kok").delete()  # 1000 m under way
    assert "Femke Kok +0.335</text>" in gap_chart_html()
    Skater.objects.filter(name="Femke Kok").update(name="Femke Kok-Test")
    assert "Femke Kok-Test +0.335</text>" in gap_chart_html()
    assert "Femke Kok-Test +0,335</text>" in gap_chart_html("nl")


# --- TV, print, accessibility -------------------------------------------------------------------


@pytest.mark.parametrize("url", [f"/{SLUG}/tv/", f"/{SLUG}/?tv=1"])
def test_tv_page(wk_sprint_after_3, client, url):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="tv"' in html and 'data-tv-rotate="15000"' in html
    assert f'hx-ws:connect="/ws/{SLUG}/?lang=nl"' in html
    assert 'data-current-distance="4"' in html  # the final 1000 m is next
    assert '<section id="classification"' in html
    for order in (1, 2, 3, 4):
        assert f'<section id="distance-{order}" hx-swap-oob="true"' in html
    # No controls: no language switch, no navigation.
    assert 'class="language"' not in html and '<nav class="championship"' not in html
    assert "111,315" in html


def test_current_distance_follows_the_championship(wk_sprint, client):
    from championships.models import Result

    assert 'data-current-distance="4"' in client.get(PAGE).content.decode()  # all skated: the last one
    Result.objects.filter(distance__order__gte=3).delete()
    assert 'data-current-distance="3"' in client.get(PAGE).content.decode()  # the next one
    Result.objects.filter(distance__order=2, skater__name="Femke Kok").delete()
    assert 'data-current-distance="2"' in client.get(PAGE).content.decode()  # the one under way


@pytest.mark.parametrize(
    "url", ["/", PAGE, f"{PAGE}?after=2", f"/{SLUG}/distances/3/", f"/{SLUG}/tv/", f"/{SLUG}/h2h/?a=1&b=2"]
)
def test_pages_respect_the_content_security_policy(wk_sprint_after_3, client, url):
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert " style=" not in html and "<style" not in html
    assert all("nonce=" in tag for tag in re.findall(r"<script[^>]*>", html))


def test_tables_have_row_and_column_headers(wk_sprint_after_3, client):
    html = client.get(PAGE).content.decode()
    assert html.count('<th scope="row" class="skater">') == 10
    assert '<caption class="sr">' in html
    distance = client.get(f"/{SLUG}/distances/3/").content.decode()
    assert distance.count('<th scope="row" class="skater">') == 10


def test_head_to_head_picker_is_labelled(wk_sprint_after_3, client):
    html = client.get(f"/{SLUG}/h2h/").content.decode()
    assert '<label for="pick-a">' in html and 'id="pick-a"' in html
    assert '<label for="pick-b">' in html and 'id="pick-b"' in html
    assert '<button type="submit">Compare</button>' in html


def test_print_styles_exist():
    css = (settings.BASE_DIR / "static" / "sprintboard.css").read_text()
    assert "@media print" in css and "position: sticky" in css and "body.tv" in css
