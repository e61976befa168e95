"""The data rules (validators.py, the models' CHECKs) at every door: admin forms and inlines, the
championship file, the database itself. Run on SQLite and, with DATABASE_URL, on PostgreSQL."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import DataError, IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from championships.forms import ResultForm
from championships.models import Championship, Distance, PersonalBest, Result, Skater

pytestmark = pytest.mark.django_db

BAD_NAMES = {
    "over 200 characters": "x" * 201,
    "spaces only": "   ",
    "a NUL": "Femke\x00Kok",
    "a newline": "Femke\nKok",
    "a right-to-left override": "\u202eFemke Kok",
    "an isolate": "Femke \u2066Kok\u2069",
}
# The admin's form strips spaces around a value ("JPN\n" is JPN there): the loader refuses them.
BAD_COUNTRIES = ["jpn", "JP", "J1N", "ÄBC", "J N"]


def championship_form(championship, **changes):
    """The admin's change form of a championship as posted, with its distances and records inline."""
    data = {
        "name": championship.name,
        "slug": championship.slug,
        "kind": championship.kind,
        "venue": championship.venue_id or "",
        "final_places": championship.final_places or "",
    }
    for prefix, rows, fields in (
        ("distances", list(championship.distances.order_by("order")), ("order", "meters", "date")),
        ("records", list(championship.records.order_by("pk")), ("kind", "meters", "time", "holder")),
    ):
        data |= {f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": len(rows)}
        for i, row in enumerate(rows):
            data[f"{prefix}-{i}-id"] = row.pk
            data[f"{prefix}-{i}-championship"] = championship.pk
            for name in fields:
                value = getattr(row, name)
                data[f"{prefix}-{i}-{name}"] = "" if value is None else value
    return data | changes


def post_championship(admin_client, championship, **changes):
    url = reverse("admin:championships_championship_change", args=[championship.pk])
    return admin_client.post(url, championship_form(championship, **changes))


def orders(championship):
    return list(championship.distances.order_by("order").values_list("order", flat=True))


# --- distance orders 1..n -------------------------------------------------------------------------


def test_the_distance_inline_refuses_a_gap_in_the_orders(admin_client, wk_sprint):
    response = post_championship(admin_client, wk_sprint, **{"distances-3-order": 5})
    assert response.status_code == 200
    assert (
        "Distance order 4 is missing: 4 distances are numbered 1..4 without gaps, not 5."
        in response.content.decode()
    )
    assert orders(wk_sprint) == [1, 2, 3, 4]
    assert admin_client.get(f"/{wk_sprint.slug}/").status_code == 200


def test_the_distance_inline_refuses_deleting_a_distance_in_the_middle(admin_client, wk_sprint):
    response = post_championship(admin_client, wk_sprint, **{"distances-1-DELETE": "on"})
    assert "Distance order 2 is missing" in response.content.decode()
    assert orders(wk_sprint) == [1, 2, 3, 4]
    response = post_championship(admin_client, wk_sprint, **{"distances-3-DELETE": "on"})
    assert response.status_code == 302
    assert orders(wk_sprint) == [1, 2, 3]


def test_the_distance_inline_refuses_swapping_orders_with_a_message(admin_client, wk_sprint):
    response = post_championship(admin_client, wk_sprint, **{"distances-2-order": 4, "distances-3-order": 3})
    assert response.status_code == 200
    assert "Distance with this Championship and Order already exists." in response.content.decode()
    assert list(wk_sprint.distances.order_by("order").values_list("meters", flat=True)) == [
        500,
        1000,
        500,
        1000,
    ]


def test_the_distance_inline_adds_the_next_distance_only(admin_client, wk_sprint):
    new = {"distances-TOTAL_FORMS": 5, "distances-4-championship": wk_sprint.pk, "distances-4-meters": 500}
    response = post_championship(admin_client, wk_sprint, **new, **{"distances-4-order": 6})
    assert "Distance order 5 is missing" in response.content.decode()
    response = post_championship(admin_client, wk_sprint, **new, **{"distances-4-order": 5})
    assert response.status_code == 302
    assert orders(wk_sprint) == [1, 2, 3, 4, 5]


def distance_form(distance, **changes):
    return {
        "championship": distance.championship_id,
        "order": distance.order,
        "meters": distance.meters,
        "date": distance.date or "",
    } | changes


def test_the_distance_change_form_refuses_a_gap(admin_client, wk_sprint):
    last = wk_sprint.distances.get(order=4)
    url = reverse("admin:championships_distance_change", args=[last.pk])
    response = admin_client.post(url, distance_form(last, order=6))
    assert response.status_code == 200
    assert "Distance order 4 is missing" in response.content.decode()
    add = admin_client.post(reverse("admin:championships_distance_add"), distance_form(last, order=7))
    assert (
        "Distance order 5 is missing: 5 distances are numbered 1..5 without gaps, not 7."
        in add.content.decode()
    )
    assert orders(wk_sprint) == [1, 2, 3, 4]


def test_moving_a_distance_to_another_championship_leaves_no_gap(admin_client, wk_sprint, seed_data):
    from championships.championship_file import load

    other = load(seed_data, slug="other")
    second = wk_sprint.distances.get(order=2)
    url = reverse("admin:championships_distance_change", args=[second.pk])
    response = admin_client.post(url, distance_form(second, championship=other.pk, order=5))
    assert "would be left with a gap: Distance order 2 is missing" in response.content.decode()
    assert orders(wk_sprint) == [1, 2, 3, 4] and orders(other) == [1, 2, 3, 4]


def test_deleting_a_distance_in_the_middle_is_refused_with_the_reason(admin_client, wk_sprint):
    second = wk_sprint.distances.get(order=2)
    url = reverse("admin:championships_distance_delete", args=[second.pk])
    page = admin_client.get(url).content.decode()
    assert "Distance order 2 is missing" in page and "Delete the last distance first." in page
    admin_client.post(url, {"post": "yes"})
    assert orders(wk_sprint) == [1, 2, 3, 4]
    bulk = {
        "action": "delete_selected",
        "_selected_action": [d.pk for d in wk_sprint.distances.filter(order__in=[3, 4])],
        "post": "yes",
    }
    admin_client.post(reverse("admin:championships_distance_changelist"), bulk)
    assert orders(wk_sprint) == [1, 2]


# --- names, countries and numbers in the admin ---------------------------------------------------


def skater_form(skater, bests=(), **changes):
    data = {
        "championship": skater.championship_id,
        "name": skater.name,
        "country": skater.country,
        "personal_bests-TOTAL_FORMS": len(bests),
        "personal_bests-INITIAL_FORMS": 0,
    }
    for i, (meters, time) in enumerate(bests):
        data |= {f"personal_bests-{i}-meters": meters, f"personal_bests-{i}-time": time}
    return data | changes


@pytest.mark.parametrize("name", BAD_NAMES.values(), ids=BAD_NAMES.keys())
def test_the_skater_admin_refuses_bad_names(admin_client, wk_sprint, name):
    kok = wk_sprint.skaters.get(name="Femke Kok")
    url = reverse("admin:championships_skater_change", args=[kok.pk])
    response = admin_client.post(url, skater_form(kok, name=name))
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert Skater.objects.get(pk=kok.pk).name == "Femke Kok"


@pytest.mark.parametrize("country", BAD_COUNTRIES)
def test_the_skater_admin_refuses_bad_countries(admin_client, wk_sprint, country):
    kok = wk_sprint.skaters.get(name="Femke Kok")
    url = reverse("admin:championships_skater_change", args=[kok.pk])
    response = admin_client.post(url, skater_form(kok, country=country))
    assert "A country is three capital letters A-Z, such as NED." in response.content.decode()
    assert Skater.objects.get(pk=kok.pk).country == "NED"


@pytest.mark.parametrize("places", ["0", "101", "70000"])
def test_the_championship_admin_refuses_final_places_beyond_the_field(admin_client, wk_sprint, places):
    response = post_championship(admin_client, wk_sprint, final_places=places)
    assert response.status_code == 200 and "errorlist" in response.content.decode()
    assert Championship.objects.get(pk=wk_sprint.pk).final_places is None


def test_a_name_of_spaces_only_is_refused_by_the_admin_and_the_model(admin_client, wk_sprint):
    response = post_championship(admin_client, wk_sprint, name="\u3000 ")
    assert "This field is required." in response.content.decode()  # the form strips the spaces
    assert Championship.objects.get(pk=wk_sprint.pk).name == wk_sprint.name
    wk_sprint.name = "\u3000 "
    with pytest.raises(ValidationError) as refused:
        wk_sprint.full_clean()
    assert refused.value.message_dict["name"] == ["A name cannot be blank or spaces only."]


def test_the_venue_admin_refuses_a_bad_country(admin_client, wk_sprint):
    venue = wk_sprint.venue
    url = reverse("admin:championships_venue_change", args=[venue.pk])
    response = admin_client.post(url, {"name": venue.name, "city": venue.city, "country": "ger"})
    assert "A country is three capital letters A-Z, such as NED." in response.content.decode()


# --- personal bests: typed, validated values -----------------------------------------------------


def test_personal_bests_are_typed_in_the_skater_admin_and_give_the_pb_badge(admin_client, client, wk_sprint):
    kok = wk_sprint.skaters.get(name="Femke Kok")
    url = reverse("admin:championships_skater_change", args=[kok.pk])
    response = admin_client.post(url, skater_form(kok, [(500, "37,10"), (1000, "1.14,00")]))
    assert response.status_code == 302
    assert dict(kok.personal_bests.values_list("meters", "time")) == {
        500: Decimal("37.10"),
        1000: Decimal("74.00"),
    }
    rows = {r["skater"]["name"]: r for r in client.get(f"/{wk_sprint.slug}/standings.json").json()["rows"]}
    # 37.07 beats her 37.10 (then equals it on day two: no PB); 1:13.57 beats 1:14.00.
    assert [d["badges"] for d in rows["Femke Kok"]["distances"]] == [["TR", "PB"], [], ["=TR"], ["PB"]]


@pytest.mark.parametrize(
    ("bests", "message"),
    [
        ([(500, "37,1x")], "does not belong in a time"),
        ([(500, "0")], "a time must be more than zero"),
        ([(500, "37.10"), (500, "37.20")], "Please correct the duplicate data for meters"),
        ([(800, "1:00.00")], "Select a valid choice"),
    ],
)
def test_the_skater_admin_refuses_bad_personal_bests(admin_client, client, wk_sprint, bests, message):
    kok = wk_sprint.skaters.get(name="Femke Kok")
    url = reverse("admin:championships_skater_change", args=[kok.pk])
    response = admin_client.post(url, skater_form(kok, bests))
    assert response.status_code == 200 and message in response.content.decode()
    assert not kok.personal_bests.exists()
    assert client.get(f"/{wk_sprint.slug}/").status_code == 200


def test_personal_bests_are_read_for_a_championship_in_one_place(seed_data):
    from championships.championship_file import load

    seed_data["skaters"][1]["pb"] = {"500": "36,81", "1000": "1:13.12"}
    championship = load(seed_data)
    kok = championship.skaters.get(name="Femke Kok")
    assert PersonalBest.objects.for_championship(championship).by_skater_and_meters() == {
        (kok.pk, 500): Decimal("36.81"),
        (kok.pk, 1000): Decimal("73.12"),
    }


# --- splits: validated by the model at every door -------------------------------------------------


@pytest.mark.parametrize(
    ("splits", "message"),
    [
        ([None], "Passing time 1 is missing or not a time: None."),
        (["16.31", "16.31"], "Passing time 2 (16.31) must be later than the one before it."),
        (["44.20", "16.31"], "Passing time 2 (16.31) must be later than the one before it."),
        (["16.31", "abc"], "Passing time 2: 'abc' is not a time"),
        (["16.31", "1:20.00"], "The last passing time (1:20.00) must be below the finish time."),
        ("16.31", "Passing times are a list of times."),
    ],
)
def test_the_result_model_refuses_bad_passing_times(wk_sprint, splits, message):
    result = Result.objects.get(distance__championship=wk_sprint, distance__order=4, skater__name="Femke Kok")
    result.splits = splits
    with pytest.raises(ValidationError) as refused:
        result.full_clean()
    assert message in " ".join(refused.value.message_dict["splits"])


def test_the_result_form_refuses_equal_passing_times(wk_sprint):
    result = Result.objects.get(distance__championship=wk_sprint, distance__order=4, skater__name="Femke Kok")
    data = {
        "distance": result.distance_id,
        "skater": result.skater_id,
        "time": "1:13.77",
        "splits": "16.31 16.31",
    }
    form = ResultForm(data, instance=result)
    assert not form.is_valid()
    assert form.errors["splits"] == ["Passing time 2 (16.31) must be later than the one before it."]


def test_a_loaded_result_with_passing_times_can_be_corrected(seed_data):
    from championships.championship_file import load

    i = next(
        i for i, r in enumerate(seed_data["results"]) if r["distance"] == 4 and r["skater"] == "Femke Kok"
    )
    seed_data["results"][i]["splits"] = ["16.31", "44,20"]
    championship = load(seed_data)
    call_command("enter_result", championship.slug, distance=4, skater="Femke Kok", time="1:13.50")
    result = Result.objects.get(
        distance__championship=championship, distance__order=4, skater__name="Femke Kok"
    )
    assert (result.time, result.splits) == (Decimal("73.50"), ["16.31", "44.20"])


# --- the database holds the rules too -------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [
        {"country": "JPN\n"},
        {"country": "jpn"},
        {"name": "x" * 201},
        {"name": ""},
    ],
    ids=["country with a newline", "country in lower case", "name over 200", "empty name"],
)
def test_the_database_refuses_what_the_validators_refuse(wk_sprint, change):
    values = {"championship": wk_sprint, "name": "New Skater", "country": "NED"} | change
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        Skater.objects.create(**values)


def test_the_database_refuses_final_places_and_orders_beyond_the_rules(wk_sprint):
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        Championship.objects.filter(pk=wk_sprint.pk).update(final_places=70000)
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        Distance.objects.filter(championship=wk_sprint, order=4).update(meters=800)
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        PersonalBest.objects.create(skater=wk_sprint.skaters.first(), meters=500, time=0)


# --- the data migration: JSON personal bests become rows ----------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_turns_json_personal_bests_into_rows():
    executor = MigrationExecutor(connection)
    before = [("championships", "0008_entry")]
    after = [("championships", "0009_datarules")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    championship = old.get_model("championships", "Championship").objects.create(
        name="C", slug="c", kind="sprint"
    )
    Old = old.get_model("championships", "Skater")
    kok = Old.objects.create(
        championship=championship,
        name="Kok",
        country="NED",
        personal_bests={"500": "36,81", "1000": "1:13.12"},
    )
    odd = Old.objects.create(
        championship=championship, name="Odd", country="NED", personal_bests={"500": "37,1x"}
    )
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new = executor.loader.project_state(after).apps
    rows = new.get_model("championships", "PersonalBest").objects.order_by("meters")
    assert [(r.skater_id, r.meters, r.time) for r in rows] == [
        (kok.pk, 500, Decimal("36.81")),
        (kok.pk, 1000, Decimal("73.12")),
    ]
    assert new.get_model("championships", "Skater").objects.get(pk=odd.pk).extra == {
        "pb_not_readable": {"500": "37,1x"}
    }
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
