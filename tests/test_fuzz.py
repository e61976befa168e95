"""Generated bad input: never a 500, never a partial write, always a message naming the field."""

import copy

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from championships.championship_file import ChampionshipFileError, load
from championships.models import Championship, Result, Skater

FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**12), max_value=10**12)
    | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
# Where in the seed file a generated value replaces the real one.
PLACES = [
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
        target = target[key]
    target[place[-1]] = value


@pytest.mark.django_db
@FUZZ
@given(place=st.sampled_from(PLACES), value=json_values)
def test_loader_never_crashes_and_writes_nothing_on_refusal(seed_data, place, value):
    data = copy.deepcopy(seed_data)
    replace(data, place, value)
    before = (Championship.objects.count(), Skater.objects.count(), Result.objects.count())
    try:
        championship = load(data, slug="fuzzed", replace=True)
    except ChampionshipFileError as error:
        assert error.problems and all(problem.startswith("$") for problem in error.problems)
        assert (Championship.objects.count(), Skater.objects.count(), Result.objects.count()) == before
    else:
        assert championship.slug == "fuzzed"


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


@pytest.mark.django_db
@FUZZ
@given(inner=st.text(max_size=30), outer=st.text(max_size=30))
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
@given(time=st.text(max_size=25), status=st.text(max_size=6), splits=st.text(max_size=30))
def test_result_admin_form_never_500s(official_client, wk_sprint_after_3, time, status, splits):
    distance = wk_sprint_after_3.distances.get(order=4)
    kok = wk_sprint_after_3.skaters.get(name="Femke Kok")
    data = {"distance": distance.pk, "skater": kok.pk, "time": time, "status": status, "splits": splits}
    response = official_client.post(reverse("admin:championships_result_add"), data)
    assert response.status_code in (200, 302)
    Result.objects.filter(distance=distance).delete()


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
