"""Start lists proposed in the admin: by the rule (classification, leaders last, the other lane on
the same metres again) and by a random draw with its seed. Shown first, saved on confirmation."""

from html import unescape

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from championships.championship_file import load
from championships.models import Distance, Start
from tests.support.pages import form_fields
from tests.support.pages import text as page_text
from tests.support.seed import seed_data


def text(response):
    return unescape(page_text(response.content.decode()))


def start_list(distance):
    return list(distance.starts.order_by("pair", "lane").values_list("pair", "lane", "skater__name"))


def lanes(distance):
    return dict(distance.starts.values_list("skater__name", "lane"))


def propose(client, distance):
    """Open the proposal by the rule and confirm it as shown; returns (proposal page, saved page)."""
    address = reverse("admin:championships_distance_propose_start_list", args=[distance.pk])
    shown = client.get(address)
    return shown, client.post(address, form_fields(shown.content.decode()), follow=True)


def draw(client, distance, seed=""):
    address = reverse("admin:championships_distance_draw_start_list", args=[distance.pk])
    shown = client.get(address, {"seed": seed})
    return shown, client.post(address, form_fields(shown.content.decode()), follow=True)


@pytest.fixture
def after_day_1(db):
    """The seed championship after its first day (500 m and 1000 m skated)."""
    return load(seed_data(), results_until=2)


def test_the_second_500m_starts_in_the_other_lane_leaders_last(official_client, after_day_1):
    third = after_day_1.distances.get(order=3)
    first_lanes = lanes(after_day_1.distances.get(order=1))
    shown, saved = propose(official_client, third)
    assert (
        "Pairs by the classification after distance 2, leaders in the last pair; each skater in the other "
        "lane than on distance 1 (500 m)." in text(shown)
    )
    assert (
        "5 Miho Takagi 1. after distance 2, outer on distance 1 Femke Kok 2. after distance 2, inner on distance 1"
        in text(shown)
    )
    assert start_list(third) == [
        (1, "inner", "Tian Ruining"),
        (1, "outer", "Ellia Smeding"),
        (2, "inner", "Isabel Grevelt"),
        (2, "outer", "Kim Min-sun"),
        (3, "inner", "Vanessa Herzog"),
        (3, "outer", "Erin Jackson"),
        (4, "inner", "Kimi Goetz"),
        (4, "outer", "Jutta Leerdam"),
        (5, "inner", "Miho Takagi"),
        (5, "outer", "Femke Kok"),
    ]
    assert lanes(third) == {
        name: {"inner": "outer", "outer": "inner"}[lane] for name, lane in first_lanes.items()
    }
    assert "Start list of distance 3 (500 m) saved: 5 pairs, 10 skaters." in text(saved)
    assert Distance.objects.get(pk=third.pk).draw_seed is None


def test_the_second_1000m_too(official_client, wk_sprint_after_3):
    fourth = wk_sprint_after_3.distances.get(order=4)
    propose(official_client, fourth)
    assert start_list(fourth)[-2:] == [(5, "inner", "Femke Kok"), (5, "outer", "Miho Takagi")]
    assert start_list(fourth)[:2] == [(1, "inner", "Ellia Smeding"), (1, "outer", "Isabel Grevelt")]
    second = lanes(wk_sprint_after_3.distances.get(order=2))
    assert all(lane != second[name] for name, lane in lanes(fourth).items())


def test_the_action_opens_the_proposal(official_client, after_day_1):
    third = after_day_1.distances.get(order=3)
    before = start_list(third)
    response = official_client.post(
        reverse("admin:championships_distance_changelist"),
        {"action": "propose_start_list", ACTION_CHECKBOX_NAME: [third.pk]},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse(
        "admin:championships_distance_propose_start_list", args=[third.pk]
    )
    assert "Proposed pairs (not saved yet)" in text(response)
    assert start_list(third) == before  # shown, not saved


def test_a_skater_who_cannot_change_lanes_is_named(official_client, after_day_1):
    # Tian Ruining started inner on the first 500 m too: six inner, four outer.
    Start.objects.filter(distance__order=1, skater__name="Tian Ruining").update(pair=6, lane="inner")
    shown, _ = propose(official_client, after_day_1.distances.get(order=3))
    assert (
        "Pair 1: both skaters started in the inner lane on distance 1; Kim Min-sun (better classified) "
        "changes lanes, Ellia Smeding keeps the inner lane." in text(shown)
    )


def test_a_proposal_that_changed_since_it_was_shown_is_not_saved(official_client, after_day_1):
    third = after_day_1.distances.get(order=3)
    before = start_list(third)
    address = reverse("admin:championships_distance_propose_start_list", args=[third.pk])
    fields = form_fields(official_client.get(address).content.decode())
    after_day_1.distances.get(order=2).results.filter(skater__name="Femke Kok").update(time="80.00")
    response = official_client.post(address, fields, follow=True)
    assert "The proposal changed since it was shown (results changed): check it again." in text(response)
    assert start_list(third) == before


def test_a_random_draw_with_its_seed_is_the_same_again(official_client, after_day_1):
    first = after_day_1.distances.get(order=1)
    first.results.all().delete()
    shown, saved = draw(official_client, first, seed="12345")
    assert "Drawn at random with seed 12345: the same seed draws the same pairs again." in text(shown)
    drawn = [
        (1, "inner", "Tian Ruining"),
        (1, "outer", "Miho Takagi"),
        (2, "inner", "Isabel Grevelt"),
        (2, "outer", "Kim Min-sun"),
        (3, "inner", "Erin Jackson"),
        (3, "outer", "Femke Kok"),
        (4, "inner", "Vanessa Herzog"),
        (4, "outer", "Jutta Leerdam"),
        (5, "inner", "Ellia Smeding"),
        (5, "outer", "Kimi Goetz"),
    ]
    assert start_list(first) == drawn
    assert Distance.objects.get(pk=first.pk).draw_seed == 12345
    assert "Drawn at random with seed 12345 : the same seed draws these pairs again." in text(saved)
    draw(official_client, first, seed="54321")
    assert start_list(first) != drawn
    draw(official_client, first, seed="12345")
    assert start_list(first) == drawn


def test_a_random_seed_is_shown_and_kept(official_client, after_day_1):
    first = after_day_1.distances.get(order=1)
    first.results.all().delete()
    shown, saved = draw(official_client, first)
    seed = int(form_fields(shown.content.decode())["seed"])
    assert f"Random draw, seed {seed}" in text(shown)
    assert Distance.objects.get(pk=first.pk).draw_seed == seed
    assert f"Drawn at random with seed {seed} :" in text(saved)


def test_refused_on_an_official_distance(official_client, after_day_1):
    third = after_day_1.distances.get(order=3)
    Distance.objects.filter(pk=third.pk).update(official=True)
    before = start_list(third)
    _, saved = propose(official_client, third)
    assert "Distance 3 (500 m) is official" in text(saved)
    assert start_list(third) == before


def test_never_over_a_start_list_that_has_results(official_client, wk_sprint_after_3):
    third = wk_sprint_after_3.distances.get(order=3)
    before = start_list(third)
    for address in ("propose_start_list", "draw_start_list"):
        address = reverse(f"admin:championships_distance_{address}", args=[third.pk])
        fields = {"seed": "1", "proposal": "1\tFemke Kok\tMiho Takagi"}
        for response in (
            official_client.get(address, follow=True),
            official_client.post(address, fields, follow=True),
        ):
            assert (
                "Distance 3 (500 m) already has results: its start list is not replaced as a whole."
                in text(response)
            )
    assert start_list(third) == before


@pytest.mark.parametrize(
    "seed, told",
    [
        ("abc", "Seed: Enter a whole number."),
        ("1.5", "Seed: Enter a whole number."),
        ("\x00", "Seed: Enter a whole number."),
        ("-1", "Seed: Ensure this value is greater than or equal to 0."),
        ("1000000000", "Seed: Ensure this value is less than or equal to 999999999."),
    ],
)
def test_a_bad_seed_is_told(official_client, after_day_1, seed, told):
    first = after_day_1.distances.get(order=1)
    first.results.all().delete()
    before = start_list(first)
    address = reverse("admin:championships_distance_draw_start_list", args=[first.pk])
    for response in (
        official_client.get(address, {"seed": seed}, follow=True),
        official_client.post(address, {"seed": seed, "proposal": "1\tFemke Kok"}, follow=True),
    ):
        assert response.status_code == 200
        assert told in text(response)
    assert start_list(first) == before


def test_an_unfinished_distance_and_the_first_one_have_no_proposal(official_client, after_day_1):
    after_day_1.distances.get(order=2).results.filter(skater__name="Femke Kok").delete()
    address = reverse(
        "admin:championships_distance_propose_start_list", args=[after_day_1.distances.get(order=3).pk]
    )
    assert "Distance 2 is not complete: no result yet for Femke Kok." in text(
        official_client.get(address, follow=True)
    )
    first = after_day_1.distances.get(order=1)
    first.results.all().delete()
    address = reverse("admin:championships_distance_propose_start_list", args=[first.pk])
    assert (
        "The first distance has no classification to draw on: paste its start list or draw it at random."
        in text(official_client.get(address, follow=True))
    )
