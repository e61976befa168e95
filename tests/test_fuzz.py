"""Generated bad input: never a 500, never a partial write, always a message naming the field.

Each door gets SPRINTBOARD_FUZZ_EXAMPLES generated inputs (100 by default, to keep the suite fast;
SPRINTBOARD_FUZZ_EXAMPLES=2000 for the big run). They run on SQLite and, with DATABASE_URL, on
PostgreSQL (`make test-postgres`): the same values must be refused the same way on both.
"""

import copy
import os

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from championships.championship_file import ChampionshipFileError, load
from championships.models import Championship, Distance, PersonalBest, Record, Result, Skater, Start, Venue

EXAMPLES = int(os.environ.get("SPRINTBOARD_FUZZ_EXAMPLES", "100"))
FUZZ = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
MODELS = (Championship, Venue, Distance, Skater, PersonalBest, Start, Result, Record)

# Text as attackers and typos write it: control characters, NUL, bidi overrides, long runs.
nasty_text = (
    st.text(max_size=20)
    | st.sampled_from(["\x00", "JPN\n", "\u202eKok", "\u2066x\u2069", " ", "\t", "x" * 201, "²", "NaN", "-1"])
    | st.text(alphabet=st.characters(codec="utf-8"), min_size=190, max_size=260)
)
# Numbers beyond every field (10**5000 has no repr: Python writes at most 4300 digits).
HUGE = [10**20, -(10**20), 2**63, 70000, 32768, 0, -1, float("inf")]


def huge(index):
    return 10**5000 if index == len(HUGE) else HUGE[index]


huge_numbers = st.integers(min_value=0, max_value=len(HUGE)).map(huge)
huge_texts = st.sampled_from(["9" * 5000, "1" + "0" * 20, "9223372036854775808", "70000", "32768", "0", "-1"])

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**12), max_value=10**12)
    | huge_numbers
    | st.floats(allow_nan=False)
    | nasty_text
    | st.just("\ud800"),  # a lone surrogate: JSON can write it, no database stores it
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
# Where in the seed file a generated value replaces the real one.
PLACES = [
    ("final_places",),
    ("notes",),
    ("venue", "city"),
    ("venue", "country"),
    ("venue", "name"),
    ("skaters", 0, "pb", "500"),
    ("skaters", 4, "extra"),
    ("results", 13, "note"),
    ("records", 1, "holder"),
    ("pairs", 7, "remark"),
    ("format",),
    ("version",),
    ("name",),
    ("kind",),
    ("slug",),
    ("venue",),
    ("distances",),
    ("distances", 0),
    ("distances", 1, "order"),
    ("distances", 2, "meters"),
    ("skaters",),
    ("skaters", 3),
    ("skaters", 0, "name"),
    ("skaters", 1, "country"),
    ("skaters", 2, "pb"),
    ("pairs",),
    ("pairs", 4),
    ("pairs", 5, "inner"),
    ("pairs", 6, "pair"),
    ("results",),
    ("results", 7),
    ("results", 8, "time"),
    ("results", 9, "status"),
    ("results", 10, "skater"),
    ("results", 11, "distance"),
    ("results", 12, "splits"),
    ("records", 0, "time"),
    ("records", 1),
]


def replace(data, place, value):
    target = data
    for key in place[:-1]:
        target = target.setdefault(key, {}) if isinstance(target, dict) else target[key]
    target[place[-1]] = value


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.mark.django_db
@FUZZ
@given(place=st.sampled_from(PLACES), value=json_values, key=st.none() | nasty_text)
def test_loader_never_crashes_and_writes_nothing_on_refusal(seed_data, place, value, key):
    data = copy.deepcopy(seed_data)
    if key is not None:  # a personal best under a generated key
        data["skaters"][5]["pb"] = {key: "38.00"}
    replace(data, place, value)
    before = counts()
    try:
        championship = load(data, slug="fuzzed", replace=True)
    except ChampionshipFileError as error:
        assert error.problems and all(problem.startswith("$") for problem in error.problems)
        assert counts() == before
    else:
        assert championship.slug == "fuzzed"
        # What loaded passes the models' own validation: the admin can save it again.
        for model in (Championship, Venue, Distance, Skater, PersonalBest, Start, Result, Record):
            for row in model.objects.all():
                row.full_clean()


@pytest.mark.django_db
def test_huge_and_deeply_nested_files_are_refused_cleanly(seed_data):
    nested = []
    for _ in range(200):
        nested = [nested]
    seed_data["venue"] = nested
    seed_data["skaters"] += [{"name": f"S{i}", "country": "NED"} for i in range(2000)]
    seed_data["results"].append({"distance": 1, "skater": "S1", "time": "9" * 5000})
    with pytest.raises(ChampionshipFileError) as refused:
        load(seed_data, slug="huge")
    assert any(p.startswith("$.venue") for p in refused.value.problems)
    assert any(p.startswith("$.results[40].time") for p in refused.value.problems)
    assert not Championship.objects.filter(slug="huge").exists()


@pytest.fixture
def admin_fuzz_client(client, db):
    client.force_login(User.objects.create_superuser("fuzz-admin", password="x"))
    return client


times = st.text(max_size=25) | st.sampled_from(["1:13.57", "37,07", "1.13,32", "0", "99999999999999999999"])
splits_text = st.lists(times, max_size=4).map(" ".join) | nasty_text
form_values = nasty_text | times | huge_texts


def assert_saved_or_refused(response, before, after):
    """A page (with its errors) and nothing written, or a redirect after the save."""
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200:
        assert after == before


@pytest.mark.django_db
@FUZZ
@given(inner=st.text(max_size=30) | form_values, outer=st.text(max_size=30) | form_values)
def test_pair_entry_answers_any_input_with_a_page_or_a_save(official_client, wk_sprint_after_3, inner, outer):
    distance = wk_sprint_after_3.distances.get(order=4)
    url = reverse("admin:championships_distance_pair", args=[distance.pk, 5])
    response = official_client.post(url, {"inner": inner, "outer": outer})
    assert response.status_code in (200, 302)
    if "errorlist" in response.content.decode():
        assert not Result.objects.filter(distance=distance).exists()  # nothing half-saved
    Result.objects.filter(distance=distance).delete()


@pytest.mark.django_db
@FUZZ
@given(time=times, status=st.text(max_size=6), splits=splits_text, note=nasty_text)
def test_result_admin_form_never_500s(official_client, wk_sprint_after_3, time, status, splits, note):
    distance = wk_sprint_after_3.distances.get(order=4)
    kok = wk_sprint_after_3.skaters.get(name="Femke Kok")
    data = {
        "distance": distance.pk,
        "skater": kok.pk,
        "time": time,
        "status": status,
        "splits": splits,
        "note": note,
    }
    before = counts()
    response = official_client.post(reverse("admin:championships_result_add"), data)
    assert_saved_or_refused(response, before, counts())
    Result.objects.filter(distance=distance).delete()


@pytest.mark.django_db
@FUZZ
@given(time=times, status=st.text(max_size=6), splits=splits_text, note=nasty_text)
def test_result_change_form_never_500s(official_client, wk_sprint, time, status, splits, note):
    result = Result.objects.get(distance__championship=wk_sprint, distance__order=4, skater__name="Femke Kok")
    data = {
        "distance": result.distance_id,
        "skater": result.skater_id,
        "time": time,
        "status": status,
        "splits": splits,
        "note": note,
    }
    before = Result.objects.filter(pk=result.pk).values().get()
    response = official_client.post(reverse("admin:championships_result_change", args=[result.pk]), data)
    assert_saved_or_refused(response, before, Result.objects.filter(pk=result.pk).values().get())
    if response.status_code == 302:
        Result.objects.get(pk=result.pk).full_clean()
    Result.objects.filter(pk=result.pk).update(**before)


@pytest.mark.django_db
@FUZZ
@given(name=form_values, country=form_values, meters=form_values, time=form_values)
def test_skater_admin_form_never_500s(admin_fuzz_client, wk_sprint, name, country, meters, time):
    kok = wk_sprint.skaters.get(name="Femke Kok")
    data = {
        "championship": wk_sprint.pk,
        "name": name,
        "country": country,
        "personal_bests-TOTAL_FORMS": 1,
        "personal_bests-INITIAL_FORMS": 0,
        "personal_bests-0-meters": meters,
        "personal_bests-0-time": time,
    }
    before = (Skater.objects.filter(pk=kok.pk).values().get(), counts())
    response = admin_fuzz_client.post(reverse("admin:championships_skater_change", args=[kok.pk]), data)
    assert_saved_or_refused(response, before, (Skater.objects.filter(pk=kok.pk).values().get(), counts()))
    if response.status_code == 302:
        Skater.objects.get(pk=kok.pk).full_clean()
    Skater.objects.filter(pk=kok.pk).update(**before[0])
    kok.personal_bests.all().delete()


@pytest.mark.django_db
@FUZZ
@given(order=form_values, meters=form_values, date=form_values, official=st.booleans())
def test_distance_admin_form_never_500s(admin_fuzz_client, wk_sprint, order, meters, date, official):
    last = wk_sprint.distances.get(order=4)
    data = {"championship": wk_sprint.pk, "order": order, "meters": meters, "date": date}
    data |= {"official": "on"} if official else {}
    data |= {"starts-TOTAL_FORMS": 0, "starts-INITIAL_FORMS": 0}
    before = (Distance.objects.filter(pk=last.pk).values().get(), counts())
    response = admin_fuzz_client.post(reverse("admin:championships_distance_change", args=[last.pk]), data)
    after = (Distance.objects.filter(pk=last.pk).values().get(), counts())
    assert_saved_or_refused(response, before, after)
    assert list(wk_sprint.distances.values_list("order", flat=True)) == [1, 2, 3, 4]
    Distance.objects.filter(pk=last.pk).update(**before[0])


@pytest.mark.django_db
@FUZZ
@given(name=form_values, slug=form_values, places=form_values, order=form_values, delete=st.booleans())
def test_championship_admin_form_never_500s(admin_fuzz_client, wk_sprint, name, slug, places, order, delete):
    data = {
        "name": name,
        "slug": slug,
        "kind": "sprint",
        "venue": wk_sprint.venue_id,
        "final_places": places,
        "distances-TOTAL_FORMS": 4,
        "distances-INITIAL_FORMS": 4,
        "records-TOTAL_FORMS": 0,
        "records-INITIAL_FORMS": 0,
    }
    for i, distance in enumerate(wk_sprint.distances.order_by("order")):
        data |= {
            f"distances-{i}-id": distance.pk,
            f"distances-{i}-championship": wk_sprint.pk,
            f"distances-{i}-order": order if i == 2 else distance.order,
            f"distances-{i}-meters": distance.meters,
        }
    if delete:
        data["distances-1-DELETE"] = "on"
    before = (Championship.objects.filter(pk=wk_sprint.pk).values().get(), counts())
    url = reverse("admin:championships_championship_change", args=[wk_sprint.pk])
    response = admin_fuzz_client.post(url, data)
    after = (Championship.objects.filter(pk=wk_sprint.pk).values().get(), counts())
    assert_saved_or_refused(response, before, after)
    assert list(wk_sprint.distances.values_list("order", flat=True)) == [1, 2, 3, 4]
    Championship.objects.filter(pk=wk_sprint.pk).update(**before[0])


@pytest.mark.django_db
@FUZZ
@given(skater=form_values, time=times | form_values, status=st.none() | st.text(max_size=6))
def test_enter_result_answers_any_input_with_a_message(wk_sprint_after_3, skater, time, status):
    before = counts()
    try:
        call_command(
            "enter_result", wk_sprint_after_3.slug, distance=4, skater=skater or "x", time=time, status=status
        )
    except CommandError as error:
        assert str(error)
        assert counts() == before
    Result.objects.filter(distance__championship=wk_sprint_after_3, distance__order=4).delete()


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(segment=st.text(min_size=1, max_size=12).filter(lambda s: "/" not in s and "\\" not in s))
def test_unknown_slugs_orders_and_skaters_are_404(client, wk_sprint_after_3, segment):
    from urllib.parse import quote

    slug = wk_sprint_after_3.slug
    for url in (
        f"/{quote(segment)}/",
        f"/{quote(segment)}/standings.json",
        f"/{slug}/distances/{quote(segment)}/",
        f"/{slug}/standings.json?after={quote(segment)}",
    ):
        assert client.get(url).status_code in (200, 404), url
    assert client.get(f"/{slug}/h2h/", {"a": segment, "b": segment}).status_code == 200
    assert client.get(f"/{slug}/standings.json", {"after": segment}).status_code in (200, 404)
