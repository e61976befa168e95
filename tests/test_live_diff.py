"""Diff frames: a push sends what changed on the pages, and the pages then look exactly as freshly
loaded ones (championships/live/diff.py, shown.py).

- Without a browser: renders of the seed before and after every kind of change, the frames built
  from them applied as htmx applies them (tests/support/live_page.py) give the new render.
- In Chromium through daphne: the standings, a distance, the head-to-head, the talking points, a
  what-if and the TV board stay open while a series of changes goes live, each page compared
  after every change with the same page loaded afresh (the live regions' text and structure),
  with no reconnect and no request of their own on the way (the panels come over the WebSocket).
"""

import difflib
import json
import re
import tempfile
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connections
from django.test import override_settings

from championships import results
from championships.forms import result_form
from championships.live import diff
from championships.live.rendering import render_fragments
from championships.live.shown import Shown
from championships.models import Distance, Record, Skater, Start
from championships.standings import Standings
from championships.timing.models import TimingToken
from tests.support.browser import BrowserTestCase
from tests.support.live_page import applied, fragments, same_text
from tests.support.servers import RedisServer
from tests.support.timing import post_events

SLUG = "wk-sprint-2024-women"
RECORDING = Path(__file__).resolve().parents[1] / "data" / "wk-sprint-2024-women-1000m-2.jsonl"
EVENTS = {e["id"]: e for e in map(json.loads, RECORDING.read_text().splitlines())}


def save(order, name, time=None, status=None):
    distance = Distance.objects.get(championship__slug=SLUG, order=order)
    form = result_form(distance, Skater.objects.get(name=name), time=time, status=status)
    assert form.is_valid(), form.errors
    form.save()


def clear(order, name):
    distance = Distance.objects.get(championship__slug=SLUG, order=order)
    assert results.clear_result(distance, Skater.objects.get(name=name))


def save_the_rest(order):
    """A result for everyone still to skate distance `order` (in the classification), slowest
    last: one change."""
    from championships.models import Championship

    distance = Distance.objects.get(championship__slug=SLUG, order=order)
    rows = Standings(Championship.objects.get(slug=SLUG)).rows
    for at, row in enumerate(row for row in rows if row.still_to_skate):
        form = result_form(distance, row.skater, time=Decimal("75.00") + Decimal(at) / 10)
        assert form.is_valid(), form.errors
        form.save()


def rename(name, new_name):
    skater = Skater.objects.get(name=name)
    skater.name = new_name
    skater.save()


def mark_official(order):
    distance = Distance.objects.get(championship__slug=SLUG, order=order)
    distance.official = True
    distance.save()


def add_record():
    """A track record faster than anything skated on the 500 m: the TR badges go."""
    championship = Distance.objects.get(championship__slug=SLUG, order=1).championship
    Record.objects.create(championship=championship, kind="TR", meters=500, time=Decimal("36.00"))


def drop_start(name):
    Start.objects.get(distance__championship__slug=SLUG, distance__order=4, skater__name=name).delete()


def put_back_start(name):
    """In the seed's pair and lane again."""
    distance = Distance.objects.get(championship__slug=SLUG, order=4)
    Start.objects.create(distance=distance, pair=3, lane="inner", skater=Skater.objects.get(name=name))


def timing(*ids):
    """Events of the timing feed, through its HTTP door (TIMING.md)."""
    championship = Distance.objects.get(championship__slug=SLUG, order=1).championship
    secret = TimingToken.issue(championship, f"test {ids[0]}")[1]
    events = []
    for event_id in ids:
        fields = dict(EVENTS[event_id])
        fields.pop("at")
        events.append(fields)
    post_events(secret, events, SLUG)


# (what, the change): every kind of change of what the pages show, in an order that makes sense.
CHANGES = [
    ("a pair starts (timing feed)", lambda: timing("wk24-d4-p1-start")),
    ("a passing", lambda: timing("wk24-d4-p1-outer-200")),
    ("two passings", lambda: timing("wk24-d4-p1-inner-200", "wk24-d4-p1-outer-600")),
    ("a finish", lambda: timing("wk24-d4-p1-inner-600", "wk24-d4-p1-outer-finish-optical")),
    ("the other finish", lambda: timing("wk24-d4-p1-inner-finish-optical")),
    ("a saved result", lambda: save(4, "Tian Ruining", Decimal("74.61"))),
    ("another saved result", lambda: save(4, "Kim Min-sun", Decimal("75.02"))),
    ("a correction", lambda: save(4, "Tian Ruining", Decimal("73.95"))),
    ("a status", lambda: save(4, "Kim Min-sun", status="DQ")),
    ("a cleared result", lambda: clear(4, "Kim Min-sun")),
    ("a start-list change", lambda: drop_start("Vanessa Herzog")),
    ("a skater renamed", lambda: rename("Femke Kok", "Femke de Kok")),
    ("a distance marked official", lambda: mark_official(3)),
    ("a record added", add_record),
    ("a result that leads", lambda: save(4, "Jutta Leerdam", Decimal("73.10"))),
    ("a start put back", lambda: put_back_start("Vanessa Herzog")),
    ("the distance's last results (the podium, the charts)", lambda: save_the_rest(4)),
    ("a result cleared once the distance was complete", lambda: clear(4, "Miho Takagi")),
    ("a result saved again: the distance complete again", lambda: save(4, "Miho Takagi", Decimal("73.13"))),
]


# Changes that leave the pages' structure, the pair on the ice and the charts (they carry the
# names) as they are.
SMALL = {"a passing", "two passings", "a correction", "a record added"}


def render():
    from championships.models import Championship

    return render_fragments(Standings(Championship.objects.get(slug=SLUG)))


@pytest.mark.django_db(transaction=True)
def test_every_kind_of_change_applied_to_the_previous_render_gives_the_new_one(seed_data):
    from championships.championship_file import load

    load(seed_data, results_until=3)
    shown = Shown(render())
    page = shown.connect_frame()
    for what, change in CHANGES:
        change()
        new = render()
        frame = shown.update(new)
        page = applied(page, frame)
        fresh = Shown(new).connect_frame()
        assert same_text(_unmarked(page), _unmarked(fresh)), what
        # Only what changed: never a region whole again, not even when a distance starts (a
        # column more, rows in two groups) or ends (the podium, the charts); the race panel is
        # always sent whole.
        whole = ('<section id="classification"', '<section id="distance-', "<thead")
        assert all(not f.startswith(whole) for f in fragments(frame)), what


def test_rows_that_change_places_are_moved_not_resent():
    old = '<section id="s" hx-swap-oob="true"><table><tbody id="b">' + "".join(
        f'<tr id="r{i}"><td>{i}</td></tr>' for i in range(1, 7)
    )
    old += "</tbody></table></section>"
    order = [1, 5, 2, 3, 4, 6]  # five moves up two places
    new = old.replace(
        "".join(f'<tr id="r{i}"><td>{i}</td></tr>' for i in range(1, 7)),
        "".join(f'<tr id="r{i}"><td>{i}</td></tr>' for i in order),
    )
    fragments_ = diff.changes(old, new)
    assert fragments_ == [
        '<tbody hx-swap-oob="afterend:#r1"><tr id="r5"><td>5</td></tr></tbody>',
        '<i hx-swap-oob="delete:#r5"></i>',
    ]
    assert applied(old, diff.frame(fragments_)) == new


def test_a_changed_cell_is_sent_alone():
    row = '<section id="s" hx-swap-oob="true"><table><tbody id="b"><tr id="r1"><td id="r1-points">{}</td><td>Kok</td></tr></tbody></table></section>'
    assert diff.frame(diff.changes(row.format("1.0"), row.format("2.0"))) == (
        '<table id="live-rows" hx-swap-oob="none"><td hx-swap-oob="innerHTML:#r1-points">2.0</td></table>'
    )


def test_a_cell_new_in_every_row_is_inserted_into_each():
    def table(cells):
        rows = "".join(f'<tr id="r{i}">' + "\n".join(c.format(i) for c in cells) + "</tr>" for i in (1, 2))
        return f'<section id="s" hx-swap-oob="true"><table><tbody id="b">{rows}</tbody></table></section>'

    old = table(['<td id="r{0}-a">{0}</td>', '<td id="r{0}-z">z</td>'])
    new = table(['<td id="r{0}-a">{0}</td>', '<td id="r{0}-n">new</td>', '<td id="r{0}-z">z</td>'])
    assert diff.changes(old, new) == [
        '<tr hx-swap-oob="afterend:#r1-a">\n<td id="r1-n">new</td></tr>',
        '<tr hx-swap-oob="afterend:#r2-a">\n<td id="r2-n">new</td></tr>',
    ]
    assert applied(old, diff.frame(diff.changes(old, new))) == new
    # And gone again: one deletion for all.
    assert diff.changes(new, old) == ['<i hx-swap-oob="delete:#r1-n,#r2-n"></i>']
    assert same_text(applied(new, diff.frame(diff.changes(new, old))), old)


def test_a_line_new_after_text_is_appended_with_the_text_kept():
    """The chase under a name: after the name and country (no ids), before the cell's end."""
    cell = '<section id="s" hx-swap-oob="true"><p id="c1-name"><a href="/h">Kok</a>\n<span>NED</span>\n{}</p></section>'
    old, new = cell.format(""), cell.format('<span id="c1-chase">needs 1:13.80</span>')
    assert diff.changes(old, new) == [
        '<p hx-swap-oob="beforeend:#c1-name"><span id="c1-chase">needs 1:13.80</span></p>'
    ]
    assert applied(old, diff.frame(diff.changes(old, new))) == new


def test_a_row_that_moves_takes_its_unchanged_cells_along():
    rows = "".join(
        f'<tr id="r{i}"><td id="r{i}-name">Skater {i}, a long name</td><td id="r{i}-rank">{i}</td></tr>'
        for i in (1, 2)
    )
    old = f'<section id="s" hx-swap-oob="true"><table><tbody id="b">{rows}</tbody></table></section>'
    new = old.replace(
        rows,
        '<tr id="r2"><td id="r2-name">Skater 2, a long name</td><td id="r2-rank">1</td></tr>'
        '<tr id="r1"><td id="r1-name">Skater 1, a long name</td><td id="r1-rank">2</td></tr>',
    )
    assert diff.changes(old, new) == [
        '<tbody hx-swap-oob="afterbegin:#b"><tr id="r2"><td id="r2-name" hx-preserve></td><td id="r2-rank">1</td></tr></tbody>',
        '<td hx-swap-oob="innerHTML:#r1-rank">2</td>',
        '<i hx-swap-oob="delete:#r2"></i>',
    ]
    assert applied(old, diff.frame(diff.changes(old, new))) == new


def test_cells_given_the_same_content_share_one_fragment():
    row = '<section id="s" hx-swap-oob="true"><p id="p1">{}</p><p id="p2">{}</p><p id="p3">{}</p></section>'
    old, new = row.format("1.0", "2.0", "3.0"), row.format("", "", "3.5")
    assert diff.changes(old, new) == [
        '<p hx-swap-oob="innerHTML:#p1,#p2"></p>',
        '<p hx-swap-oob="innerHTML:#p3">3.5</p>',
    ]
    assert applied(old, diff.frame(diff.changes(old, new))) == new


def _closing(change):
    def run():
        try:
            change()
        finally:
            connections.close_all()

    return run


def _unmarked(html):
    """Without what differs between two pages at the same state: the time of the update."""
    return re.sub(r'<span id="updated".*?</span>', "", html, flags=re.S)


# --- in the browser ------------------------------------------------------------------------------

PAGES = {
    "standings": f"/{SLUG}/",
    "distance": f"/{SLUG}/distances/4/",
    "head-to-head": f"/{SLUG}/h2h/?a=1&b=2",
    "commentary": f"/{SLUG}/commentary/",
    "what-if": f"/{SLUG}/?what_if=2:4:1:12.45",
    "tv": f"/{SLUG}/tv/",
}

# The live regions of a page (those the frames swap, and the panels it follows: a what-if panel
# without a what-if follows nothing)
# as text and structure: tags, attributes and text, white space collapsed; htmx's marks aside.
LIVE_REGIONS = r"""() => {
  function shape(node) {
    if (node.nodeType === Node.TEXT_NODE) {
      const text = node.textContent.replace(/\s+/g, " ").trim();
      return text ? text : null;
    }
    if (node.nodeType !== Node.ELEMENT_NODE) return null;
    // htmx's own marks (a request under way, a swap settling) aside; classes as the browser reads them.
    const attributes = [...node.attributes].filter(a => !a.name.startsWith("data-htmx") && a.name !== "hx-swap-oob").map(a =>
      a.name + "=" + (a.name === "class" ? a.value.split(/\s+/).filter(c => c && !c.startsWith("htmx-")).join(" ") : a.value)
    ).filter(a => a !== "class=").sort();
    const children = [...node.childNodes].map(shape).filter(c => c !== null);
    return [node.tagName.toLowerCase(), attributes, children];
  }
  const regions = "#race, #classification, section[id^='distance-'], #head-to-head, #talking-points, #what-if.imagined";
  return JSON.stringify([...document.querySelectorAll(regions)].map(shape));
}"""


@pytest.mark.slow
class PagesAfterSmallFramesTests(BrowserTestCase):
    """Changes made in this process reach daphne's pages through Redis (both use it)."""

    @classmethod
    def setUpClass(cls):
        cls.redis_dir = tempfile.TemporaryDirectory()
        cls.redis = RedisServer(Path(cls.redis_dir.name))
        cls.redis.start()
        layers = {
            "default": {
                "BACKEND": "championships.live.layers.RedisPubSubChannelLayer",
                "CONFIG": {"hosts": [{"address": cls.redis.url, "socket_timeout": None}]},
            }
        }
        cls.enterClassContext(override_settings(CHANNEL_LAYERS=layers))
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        cls.redis.stop()
        cls.redis_dir.cleanup()

    def open(self, context, path):
        page = context.new_page()
        page.connections, page.received = [], []

        def follow(socket):
            page.connections.append(socket)
            socket.on("framereceived", lambda payload: page.received.append(len(payload.encode())))

        page.on("websocket", follow)
        page.goto(self.live_server_url + path)
        page.wait_for_function("() => document.getElementById('updated')?.dataset.state")
        page.requests = []  # from here on: the page follows the feed without asking for anything
        page.on("request", lambda request: page.requests.append(request.url))
        return page

    def test_pages_after_a_series_of_frames_equal_fresh_ones(self):
        context = self.browser.new_context(viewport={"width": 1366, "height": 768})
        pages = {name: self.open(context, path) for name, path in PAGES.items()}
        for what, change in CHANGES:
            received = len(pages["standings"].received)
            # In a thread of its own, as a request would be (Playwright's loop runs in this one).
            with ThreadPoolExecutor(max_workers=1) as thread:
                thread.submit(_closing(change)).result()
            for name, path in PAGES.items():
                fresh = self.open(context, path)
                fresh.wait_for_function("() => !document.querySelector('.htmx-request')")
                expected = fresh.evaluate(LIVE_REGIONS)
                fresh.close()
                page = pages[name]
                try:
                    page.wait_for_function(
                        f"() => ({LIVE_REGIONS})() === {json.dumps(expected)}", timeout=10_000
                    )
                except Exception:
                    now = json.dumps(json.loads(page.evaluate(LIVE_REGIONS)), indent=0).splitlines()
                    wanted = json.dumps(json.loads(expected), indent=0).splitlines()
                    differences = "\n".join(
                        difflib.unified_diff(wanted, now, "fresh", "live", lineterm="", n=2)
                    )
                    self.fail(f"{what}: the {name} page differs from a fresh one:\n{differences[:4000]}")
                self.assertEqual(len(page.connections), 1, f"{what}: the {name} page reconnected")
                self.assertEqual(page.requests, [], f"{what}: the {name} page fetched")
            if what in SMALL:  # what changed, not the state (29 KB): a few cells and lines
                self.assertLess(max(pages["standings"].received[received:]), 8192, what)
        context.close()
