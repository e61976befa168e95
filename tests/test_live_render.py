"""What a push renders, and what it costs: `{% once_for %}` (a part of a template rendered once per
set of values and language) and the queries of a push with the timing feed on."""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.db import connection
from django.template import Context, Template, TemplateSyntaxError
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.safestring import mark_safe

from championships import charts, scoring
from championships.live import rendering as live
from championships.models import Result, Skater
from championships.standings import Standings
from championships.templatetags.once import ReadBeyondKeys
from championships.templatetags.sprintboard import drawn_charts
from championships.timing.models import TimingToken
from tests.support.seed import SEED_SLUG as SLUG
from tests.support.timing import post_events

RENDERED = []  # the names of the lines whose block was rendered, in order


@dataclass(frozen=True)
class Line:
    name: str
    points: Decimal

    @property
    def shown(self):
        RENDERED.append(self.name)
        return self.name


def render(source, language="en", **context):
    with translation.override(language):
        return Template("{% load i18n sprintboard %}" + source).render(Context(context))


def test_a_block_is_rendered_once_per_values_and_language():
    RENDERED.clear()
    source = "{% once_for line %}<b>{{ line.shown }}</b> {{ line.points|floatformat:3 }}{% endonce_for %}"
    template = Template("{% load sprintboard %}" + source)

    def shown(line, language="en"):
        with translation.override(language):
            return template.render(Context({"line": line}))

    assert shown(Line("Kok", Decimal("111.315"))) == "<b>Kok</b> 111.315"
    assert shown(Line("Kok", Decimal("111.315"))) == "<b>Kok</b> 111.315"
    assert RENDERED == ["Kok"]
    assert shown(Line("Kok", Decimal("111.325"))) == "<b>Kok</b> 111.325"
    assert shown(Line("Kok", Decimal("111.315")), "nl") == "<b>Kok</b> 111,315"
    assert RENDERED == ["Kok", "Kok", "Kok"]


@pytest.mark.parametrize(
    "first, second",
    [
        (Decimal("1.0"), Decimal("1.00")),  # equal numbers, written differently
        (1, True),
        ("<b>", mark_safe("<b>")),  # escaped, and not
        (0.0, -0.0),
        ((1, 2), [1, 2]),
    ],
)
def test_equal_values_that_render_differently_are_kept_apart(first, second):
    source = "{% once_for value %}{{ value }}{% endonce_for %}"
    assert render(source, value=first) == Template("{{ value }}").render(Context({"value": first}))
    assert render(source, value=second) == Template("{{ value }}").render(Context({"value": second}))


def test_names_set_inside_the_block_and_values_below_its_keys_may_be_read():
    source = (
        "{% once_for lines title %}{% for line in lines %}{% with name=line.name %}{{ forloop.counter }}. "
        "{{ name }}{% endwith %}{% endfor %}{% translate 'Points' as head %}{{ head }} {{ title.upper }}"
        "{% if lines.0.points > 1 and None is None %}!{% endif %}"
        '{% if title.missing %}{% include "championships/_corrected.html" with correction=title.missing %}'
        "{% endif %}{% endonce_for %}"
    )
    lines = [Line("Kok", Decimal("111.315")), Line("Takagi", Decimal("110.980"))]
    assert render(source, lines=lines, title="x") == "1. Kok2. TakagiPoints X!"
    assert render(source, "nl", lines=lines, title="x") == "1. Kok2. TakagiPunten X!"


@pytest.mark.parametrize(
    "inside, refused",
    [
        ("{{ other }}", "reads 'other'"),
        ("{{ row.name|default:other }}", "reads 'other'"),
        ("{% if other %}x{% endif %}", "reads 'other'"),
        ("{% blocktranslate %}{{ other }} m{% endblocktranslate %}", "reads 'other'"),
        ("{% for x in other %}{% endfor %}", "reads 'other'"),
        (
            '{% include "championships/_updated.html" %}',
            "reads 'standings.championship.revision'",
        ),  # in the included one
        ("{% include name %}", "cannot tell what"),
        ("{% url 'championships:list' %}", "cannot tell what"),
        ("{% now 'H:i' %}", "cannot tell what"),
        ("{% cycle 'a' 'b' %}", "cannot tell what"),
    ],
)
def test_a_block_reading_more_than_its_keys_is_refused_when_loaded(inside, refused):
    with pytest.raises(TemplateSyntaxError, match=refused):
        Template("{% load i18n sprintboard %}{% once_for row %}" + inside + "{% endonce_for %}")


@pytest.mark.django_db
def test_a_model_whose_related_object_is_loaded_while_rendering_is_refused(wk_sprint_after_3):
    source = "{% once_for skater %}{{ skater.name }}, {{ skater.championship.name }}{% endonce_for %}"
    with pytest.raises(ReadBeyondKeys, match="read more than its keys hold"):
        render(source, skater=Skater.objects.get(name="Jutta Leerdam"))
    # Loaded with it, the championship is part of the key.
    skater = Skater.objects.select_related("championship").get(name="Jutta Leerdam")
    assert render(source, skater=skater) == "Jutta Leerdam, World Sprint Championships 2024 — Women"


@pytest.mark.django_db
def test_the_race_panel_with_the_feed_on_reads_the_races_once(wk_sprint_after_3):
    """A passing pushes the race panel: the standings and every race of the championship, read
    once (7 queries; it was 8: the latest race, then the races of its metres)."""
    secret = TimingToken.issue(wk_sprint_after_3, "Vantage main")[1]
    events = [
        {"id": "s", "type": "start", "distance": 4, "pair": 1},
        {"id": "p", "type": "passing", "distance": 4, "pair": 1, "lane": "inner", "meters": 200}
        | {"skater": "Ellia Smeding", "time": "18.6430"},
    ]
    post_events(secret, events, SLUG)
    with CaptureQueriesContext(connection) as queries:
        panel = live.render_race(Standings(wk_sprint_after_3))
    assert "18.64" in panel
    assert len(queries) == 7


@pytest.mark.django_db
def test_the_classification_after_a_distance_does_not_depend_on_the_results_after_it(wk_sprint_after_3):
    """Without a final cut: what the charts are kept by (`Standings.classification_inputs`)."""
    standings = Standings(wk_sprint_after_3)
    leader = standings.rows[0].skater.pk
    later = Standings(
        wk_sprint_after_3, what_if=[scoring.Result(skater=leader, distance=4, time=Decimal("79.99"))]
    )
    assert later.classification_after(3) == standings.classification_after(3)
    assert later.classification_inputs(3) == standings.classification_inputs(3)
    assert later.classification_after(4) != standings.classification_after(4)


@pytest.mark.django_db
def test_the_charts_are_drawn_again_when_a_complete_distance_changes(wk_sprint_after_3):
    def drawn():
        standings = Standings(wk_sprint_after_3)
        fresh = render_to_string(
            "championships/_charts.html",
            {"gap": charts.gap_chart(standings), "bump": charts.bump_chart(standings)},
        )
        return drawn_charts(standings), fresh

    before, fresh = drawn()
    assert before == fresh and "Jutta Leerdam" in before
    result = Result.objects.get(distance__order=2, skater__name="Jutta Leerdam")
    result.time = Decimal("79.99")
    result.save()
    after, fresh = drawn()
    assert after == fresh != before
