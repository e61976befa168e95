"""An official sets up a championship in the admin from its kind: the distances follow."""

import datetime

import pytest
from django.urls import reverse

from championships.models import Championship, Distance
from tests.support.pages import text

ADD = reverse("admin:championships_championship_add")


def add(client, programme, first_day="2026-02-28", **data):
    return client.post(
        ADD,
        {"name": "Test Championship", "slug": "test", "programme": programme, "first_day": first_day, **data},
    )


def programme_of(championship):
    return [
        (d.order, d.meters, d.date.day if d.date else None) for d in championship.distances.order_by("order")
    ]


@pytest.mark.parametrize(
    "programme, kind, final_places, distances",
    [
        ("sprint", "sprint", None, [(1, 500, 28), (2, 1000, 28), (3, 500, 1), (4, 1000, 1)]),
        ("allround-women", "allround", 8, [(1, 500, 28), (2, 3000, 28), (3, 1500, 1), (4, 5000, 1)]),
        ("allround-men", "allround", 8, [(1, 500, 28), (2, 5000, 28), (3, 1500, 1), (4, 10000, 1)]),
        ("mini-women", "custom", None, [(1, 500, 28), (2, 1500, 28), (3, 1000, 1), (4, 3000, 1)]),
        ("mini-men", "custom", None, [(1, 500, 28), (2, 1500, 28), (3, 1000, 1), (4, 5000, 1)]),
        ("custom", "custom", None, []),
    ],
)
def test_a_new_championship_gets_the_distances_of_its_kind(
    official_client, programme, kind, final_places, distances
):
    response = add(official_client, programme)
    championship = Championship.objects.get(slug="test")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:championships_championship_change", args=[championship.pk])
    assert (championship.kind, championship.final_places) == (kind, final_places)
    assert programme_of(championship) == distances
    if distances:
        assert championship.distances.get(order=3).date == datetime.date(2026, 3, 1)


def test_the_change_page_says_what_was_created_and_leads_to_the_skaters(official_client):
    page = text(official_client.get(add(official_client, "allround-women")["Location"]).content.decode())
    assert (
        "Test Championship is set up with distances 1. 500 m (Sat 28 Feb), 2. 3000 m (Sat 28 Feb), "
        "3. 1500 m (Sun 01 Mar), 4. 5000 m (Sun 01 Mar). The best 8 skate the last distance. "
        "Next: enter the skaters"
    ) in page
    championship = Championship.objects.get()
    entries = reverse("admin:championships_championship_entries", args=[championship.pk])
    change = official_client.get(reverse("admin:championships_championship_change", args=[championship.pk]))
    assert f'<a href="{entries}">Enter skaters</a>' in change.content.decode()


def test_without_a_first_day_the_distances_are_undated(official_client):
    page = text(
        official_client.get(add(official_client, "sprint", first_day="")["Location"]).content.decode()
    )
    assert (
        "is set up with distances 1. 500 m, 2. 1000 m, 3. 500 m, 4. 1000 m. Next: enter the skaters" in page
    )
    assert programme_of(Championship.objects.get()) == [
        (1, 500, None),
        (2, 1000, None),
        (3, 500, None),
        (4, 1000, None),
    ]


def test_the_add_page_is_one_form_with_one_save(official_client):
    page = official_client.get(ADD).content.decode()
    assert 'name="programme"' in page and 'name="first_day"' in page
    assert 'value="Save"' in page
    assert "_addanother" not in page and "_continue" not in page
    assert "distances-TOTAL_FORMS" not in page  # the distances come from the kind
    assert "Sprint (500, 1000 | 500, 1000)" in page


def test_everything_stays_editable_afterwards(official_client):
    championship = Championship.objects.get(
        pk=add(official_client, "allround-men")["Location"].split("/")[-3]
    )
    page = official_client.get(reverse("admin:championships_championship_change", args=[championship.pk]))
    assert 'name="distances-0-meters"' in page.content.decode()
    assert 'name="final_places"' in page.content.decode()


@pytest.mark.parametrize(
    "data, message",
    [
        ({"programme": "marathon"}, "Select a valid choice. marathon is not one of the available choices."),
        ({"first_day": "28-02-2026x"}, "Enter a valid date."),
        ({"name": "   "}, "This field is required."),
        ({"name": "A\x00B"}, "Null characters are not allowed."),
        ({"name": "A\x07B"}, "Control characters (such as U+0007) do not belong in a name"),
        ({"name": "x" * 201}, "Ensure this value has at most 200 characters (it has 201)."),
    ],
)
def test_bad_input_is_told_and_nothing_is_created(official_client, data, message):
    response = add(official_client, **{"programme": "sprint", **data})
    assert response.status_code == 200
    assert message in text(response.content.decode())
    assert not Championship.objects.exists() and not Distance.objects.exists()


def test_a_custom_championship_is_told_to_add_its_distances(official_client):
    page = text(official_client.get(add(official_client, "custom")["Location"]).content.decode())
    assert "Test Championship is set up without distances: add them below. Next: enter the skaters" in page
