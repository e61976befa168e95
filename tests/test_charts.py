"""The classification's charts: the gap to the leader (top 5) and the places (top 10) after each
complete distance, drawn by the server as SVG and part of the live classification."""

import itertools
import re
from decimal import Decimal

import pytest

from championships import charts
from championships.live import rendering as live
from championships.models import Result, Skater
from championships.standings import Standings
from tests.support.pages import classification, text
from tests.support.seed import SEED_SLUG as SLUG

PAGE = f"/{SLUG}/"

pytestmark = pytest.mark.django_db


def figure(html, kind):
    """The text of the `gap` or `bump` chart (names, values and labels, tags removed)."""
    return text(re.search(rf'<figure class="chart chart-{kind}">.*?</figure>', html, re.S).group(0))


def labels(html, kind):
    """The labels at the lines' ends, as the chart writes them."""
    svg = re.search(rf'<figure class="chart chart-{kind}">.*?</figure>', html, re.S).group(0)
    series = re.findall(r"<g stroke=.*?</text>", svg, re.S)
    return [text(re.search(r"<text [^>]*>(.*?)</text>", g, re.S).group(1)) for g in series]


def test_the_charts_are_in_the_live_classification(wk_sprint_after_3, client):
    section = classification(client.get(PAGE).content.decode())
    assert section.count("<svg") == 2
    gap = figure(section, "gap")
    for name in ("Miho Takagi", "Femke Kok", "Jutta Leerdam", "Erin Jackson", "Vanessa Herzog"):
        assert name in gap
    assert "Kimi Goetz" not in gap  # top 5 only
    assert "Femke Kok +0.335" in labels(section, "gap")
    assert '<title id="chart-gap-title">' in section and 'role="img"' in section
    bump = labels(section, "bump")
    assert bump[0] == "1. Miho Takagi" and bump[-1] == "10. Ellia Smeding"
    assert "stroke-dasharray" in section[section.index('<figure class="chart chart-bump">') :]
    # The frame pushed to browsers carries them too, numbers in the page's language but
    # coordinates always with a decimal point.
    frame = live.render_fragments(Standings(wk_sprint_after_3), "nl")
    assert frame.count("<svg") == 2 and "Femke Kok +0,335" in labels(frame, "gap")
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
    label_ys = sorted(s.label_y for s in bump.series)
    assert all(b - a >= charts.LABEL_SPACING - 0.1 for a, b in itertools.pairwise(label_ys))


def test_the_charts_and_the_page_share_the_classifications(wk_sprint_after_3):
    """Each classification after a distance is scored once per `Standings`, whoever asks."""
    standings = Standings(wk_sprint_after_3)
    assert standings.rows and charts.gap_chart(standings)
    assert charts.classifications(standings, standings.distances[:3])[3] is standings.classification
    assert standings.classification_after(2) is standings.classification_after(2)
    assert standings.ranks_after(2)[wk_sprint_after_3.skaters.get(name="Femke Kok").pk] == 2


def test_long_names_are_shortened_in_the_labels(wk_sprint_after_3):
    Skater.objects.filter(name="Femke Kok").update(name="Antoinette Rijpma-de Jong")
    Skater.objects.filter(name="Miho Takagi").update(name="X" * 200)
    names = [s.name for s in charts.gap_chart(Standings(wk_sprint_after_3)).series[:2]]
    assert names == ["X" * (charts.LABEL_LENGTH - 1) + "…", "A. Rijpma-de Jong"]


def test_no_charts_before_two_distances_are_complete(wk_sprint_after_3, client):
    assert not charts.gap_chart(Standings(wk_sprint_after_3, after=1))
    assert "<svg" not in client.get(PAGE + "?after=1").content.decode()
    assert client.get(PAGE + "?after=2").content.decode().count("<svg") == 2


def test_a_distance_under_way_is_left_out_of_the_charts(wk_sprint):
    Result.objects.filter(distance__order=4, skater__name="Femke Kok").delete()
    standings = Standings(wk_sprint)
    assert standings.in_progress
    assert [d.order for d in charts.gap_chart(standings).distances] == [1, 2, 3]


def test_charts_are_drawn_again_when_what_they_show_changes(wk_sprint):
    """The page keeps each drawing (most saves leave the charts alone): a completed distance, a
    corrected name or another language must still show."""

    def gap_labels(language="en"):
        return labels(live.render_fragments(Standings(wk_sprint), language), "gap")

    complete = gap_labels()
    assert "Miho Takagi" in complete and "Femke Kok +0.555" in complete
    Result.objects.filter(distance__order=4, skater__name="Femke Kok").delete()  # 1000 m under way
    assert "Femke Kok +0.335" in gap_labels()
    Skater.objects.filter(name="Femke Kok").update(name="Femke Kok-Test")
    assert "Femke Kok-Test +0.335" in gap_labels()
    assert "Femke Kok-Test +0,335" in gap_labels("nl")
