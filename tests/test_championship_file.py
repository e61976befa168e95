"""Championship files (docs/championship-file.md): what the loader refuses, what it accepts, and the round trip."""

import copy
import json
from decimal import Decimal

import pytest
from django.test import Client

from championships.championship_file import ChampionshipFileError, dump, load
from championships.models import Championship, Distance, Record, Result, Skater, Start, Venue

SEED_SLUG = "wk-sprint-2024-women"

MODELS = (Championship, Venue, Distance, Skater, Start, Result, Record)


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def result_index(data, order, name):
    return next(i for i, r in enumerate(data["results"]) if r["distance"] == order and r["skater"] == name)


def pair_index(data, order, number):
    return next(i for i, p in enumerate(data["pairs"]) if p["distance"] == order and p["pair"] == number)


# --- rejections: each rule of docs/championship-file.md, with the JSON path that names the problem --------------


def _drop(key):
    def change(data):
        del data[key]
        return f"$.{key}"

    return change


def _set(key, value):
    def change(data):
        data[key] = value
        return f"$.{key}"

    return change


def _set_in(section, index, key, value):
    """Set `key` of the section's entry `index` to `value`; the path of that field."""

    def change(data):
        data[section][index][key] = value
        return f"$.{section}[{index}].{key}"

    return change


def _time(text):
    return _set_in("results", 3, "time", text)


def _distance_gap(data):
    del data["distances"][2]  # orders 1, 2, 4: distance 3 is missing
    return "$.distances"


def _two_results_one_distance(data):
    data["results"].append({"distance": 2, "skater": "Femke Kok", "time": "1:14.00"})
    return f"$.results[{len(data['results']) - 1}]"


def _two_places_in_start_list(data):
    # Kok skates pair 4 of distance 1 (inner); put her in pair 1 as well: her second place is refused.
    data["pairs"][pair_index(data, 1, 1)]["outer"] = "Femke Kok"
    return f"$.pairs[{pair_index(data, 1, 4)}].inner"


def _two_places_same_pair(data):
    i = pair_index(data, 3, 5)  # Takagi inner, Kok outer
    data["pairs"][i]["inner"] = "Femke Kok"
    return f"$.pairs[{i}].outer"


def _result_without_time_or_status(status):
    def change(data):
        i = result_index(data, 4, "Ellia Smeding")
        del data["results"][i]["time"]
        data["results"][i]["status"] = status
        return f"$.results[{i}]"

    return change


def _pair_skater_not_a_name(data):
    # A skater written as an object, as in the skaters list, instead of by name.
    i = pair_index(data, 1, 3)
    data["pairs"][i]["inner"] = {"name": "Erin Jackson"}
    return f"$.pairs[{i}].inner"


REJECTIONS = {
    "missing format": _drop("format"),
    "missing version": _drop("version"),
    "missing name": _drop("name"),
    "missing kind": _drop("kind"),
    "missing distances": _drop("distances"),
    "missing skaters": _drop("skaters"),
    "wrong format": _set("format", "sprintboard-kampioenschap"),
    "wrong version 2": _set("version", 2),
    "version as text": _set("version", "1"),
    "version true is not 1": _set("version", True),
    "distance order gap": _distance_gap,
    "distance order repeated": _set_in("distances", 3, "order", 3),
    "result unknown skater": _set_in("results", 3, "skater", "Irene Schouten"),
    "result unknown distance": _set_in("results", 3, "distance", 5),
    "pair unknown skater": _set_in("pairs", 2, "outer", "Irene Schouten"),
    "pair unknown distance": _set_in("pairs", 2, "distance", 7),
    "record unknown distance": _set_in("records", 1, "meters", 800),
    "two results on one distance": _two_results_one_distance,
    "two places in one start list": _two_places_in_start_list,
    "both lanes of one pair": _two_places_same_pair,
    "time 1:75.00": _time("1:75.00"),
    "time abc": _time("abc"),
    "time zero": _time("0.00"),
    "time negative": _time("-37.13"),
    "time not text": _time(37.13),
    "record time zero": _set_in("records", 0, "time", "0,00"),
    "status XX": _set_in("results", 3, "status", "XX"),
    "empty status without time": _result_without_time_or_status(""),
    "null status without time": _result_without_time_or_status(None),
    "pair skater not a name": _pair_skater_not_a_name,
}


@pytest.mark.django_db
@pytest.mark.parametrize("change", REJECTIONS.values(), ids=REJECTIONS.keys())
def test_file_with_a_problem_is_refused_with_its_path_and_writes_nothing(wk_sprint, seed_data, change):
    """Refused whole even with --replace: the championship already loaded stays as it was."""
    path = change(seed_data)
    before = counts()
    revision = Championship.objects.get(slug=SEED_SLUG).revision
    with pytest.raises(ChampionshipFileError) as refused:
        load(seed_data, slug=SEED_SLUG, replace=True)
    problems = refused.value.problems
    # The problem is named by its path (or a field under it, e.g. "$.results[39]" -> ".time").
    assert any(p.startswith(path) and p[len(path)] in ":." for p in problems), problems
    assert counts() == before
    assert Championship.objects.get(slug=SEED_SLUG).revision == revision
    assert Championship.objects.get(slug=SEED_SLUG).pk == wk_sprint.pk


@pytest.mark.django_db
def test_file_with_a_problem_writes_nothing_into_an_empty_database(seed_data):
    _time("abc")(seed_data)
    with pytest.raises(ChampionshipFileError):
        load(seed_data)
    assert counts() == {model.__name__: 0 for model in MODELS}


@pytest.mark.django_db
def test_every_problem_of_a_file_is_listed(seed_data):
    del seed_data["kind"]
    seed_data["version"] = 2
    seed_data["results"][0]["time"] = "1:75.00"
    seed_data["results"][5]["status"] = "XX"
    seed_data["results"][7]["skater"] = "Irene Schouten"
    seed_data["pairs"][1]["distance"] = 9
    with pytest.raises(ChampionshipFileError) as refused:
        load(seed_data)
    problems = dict(p.split(": ", 1) for p in refused.value.problems)
    assert sorted(problems) == sorted(
        [
            "$.version",
            "$.kind",
            "$.pairs[1].distance",
            "$.results[0].time",
            "$.results[5].status",
            "$.results[7].skater",
        ]
    )
    # The message says what is wrong, not just where.
    assert "1:75.00" in problems["$.results[0].time"]
    assert "XX" in problems["$.results[5].status"]
    assert "Irene Schouten" in problems["$.results[7].skater"]
    assert "9" in problems["$.pairs[1].distance"]
    assert Championship.objects.count() == 0


# --- what the loader accepts ---------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "written, stored",
    [
        ("DSQ", "DQ"),
        ("NS", "DNS"),
        ("NF", "DNF"),
        ("RET", "WDR"),
        ("WD", "WDR"),
        ("DQ", "DQ"),
        ("DNS", "DNS"),
        ("DNF", "DNF"),
        ("WDR", "WDR"),
    ],
)
def test_status_aliases_load_as_their_code(seed_data, written, stored):
    i = result_index(seed_data, 4, "Isabel Grevelt")
    seed_data["results"][i]["status"] = written
    championship = load(seed_data)
    result = Result.objects.get(
        distance__championship=championship, distance__order=4, skater__name="Isabel Grevelt"
    )
    assert result.status == stored
    assert result.time == Decimal("75.28")
    dumped = dump(championship)["results"][i]
    assert (dumped["skater"], dumped["status"], dumped["time"]) == ("Isabel Grevelt", stored, "1:15.28")


@pytest.mark.django_db
def test_status_without_a_time_loads(seed_data):
    i = result_index(seed_data, 4, "Ellia Smeding")
    del seed_data["results"][i]["time"]
    seed_data["results"][i]["status"] = "NS"
    championship = load(seed_data)
    result = Result.objects.get(
        distance__championship=championship, distance__order=4, skater__name="Ellia Smeding"
    )
    assert (result.time, result.status) == (None, "DNS")
    assert "time" not in dump(championship)["results"][i]


@pytest.mark.django_db
def test_dutch_notation_times_load(seed_data, client):
    seed_data["results"][result_index(seed_data, 1, "Miho Takagi")]["time"] = "37,13"
    seed_data["results"][result_index(seed_data, 2, "Miho Takagi")]["time"] = "1.13,32"
    seed_data["results"][result_index(seed_data, 2, "Femke Kok")]["time"] = "1:14,35"
    championship = load(seed_data)
    takagi = Result.objects.filter(distance__championship=championship, skater__name="Miho Takagi")
    assert sorted(takagi.values_list("distance__order", "time")) == [
        (1, Decimal("37.13")),
        (2, Decimal("73.32")),
        (3, Decimal("37.19")),
        (4, Decimal("73.13")),
    ]
    rows = client.get(f"/{SEED_SLUG}/standings.json?after=2").json()["rows"]
    assert [(r["skater"]["name"], r["points"]) for r in rows[:2]] == [
        ("Miho Takagi", "73.790"),
        ("Femke Kok", "74.245"),
    ]
    # Written back in the format's own notation.
    dumped = dump(championship)["results"]
    assert dumped[result_index(seed_data, 1, "Miho Takagi")]["time"] == "37.13"
    assert dumped[result_index(seed_data, 2, "Miho Takagi")]["time"] == "1:13.32"
    assert dumped[result_index(seed_data, 2, "Femke Kok")]["time"] == "1:14.35"


@pytest.mark.django_db
def test_loaded_seed_holds_the_files_facts(wk_sprint):
    assert wk_sprint.slug == SEED_SLUG
    assert (wk_sprint.name, wk_sprint.kind) == ("World Sprint Championships 2024 — Women", "sprint")
    assert (wk_sprint.venue.name, wk_sprint.venue.city, wk_sprint.venue.country) == (
        "Max Aicher Arena",
        "Inzell",
        "GER",
    )
    assert list(wk_sprint.distances.values_list("order", "meters")) == [
        (1, 500),
        (2, 1000),
        (3, 500),
        (4, 1000),
    ]
    assert wk_sprint.skaters.count() == 10
    assert Start.objects.filter(distance__championship=wk_sprint).count() == 40  # 20 pairs of two
    assert Result.objects.for_championship(wk_sprint).count() == 40
    pair = Start.objects.filter(distance__championship=wk_sprint, distance__order=3, pair=5)
    assert sorted(pair.values_list("lane", "skater__name")) == [
        ("inner", "Miho Takagi"),
        ("outer", "Femke Kok"),
    ]
    assert sorted(wk_sprint.records.values_list("kind", "meters", "time")) == [
        ("TR", 500, Decimal("37.12")),
        ("TR", 1000, Decimal("73.40")),
    ]


@pytest.mark.django_db
def test_results_until_keeps_back_later_distances(wk_sprint_after_3):
    results = Result.objects.for_championship(wk_sprint_after_3)
    assert results.count() == 30
    assert not results.filter(distance__order=4).exists()
    # The start list of the final 1000 m is there, ready.
    assert Start.objects.filter(distance__championship=wk_sprint_after_3, distance__order=4).count() == 10


@pytest.mark.django_db
def test_slug_is_derived_from_the_name_when_absent(seed_data):
    del seed_data["slug"]
    championship = load(seed_data)
    assert championship.slug == "world-sprint-championships-2024-women"


@pytest.mark.django_db
def test_existing_slug_without_replace_is_refused(wk_sprint, seed_data):
    before = counts()
    seed_data["name"] = "Another name"
    with pytest.raises(ChampionshipFileError) as refused:
        load(seed_data)
    assert len(refused.value.problems) == 1
    assert refused.value.problems[0].startswith("$.slug:")
    assert SEED_SLUG in refused.value.problems[0]
    assert counts() == before
    assert Championship.objects.get(slug=SEED_SLUG).name == "World Sprint Championships 2024 — Women"


@pytest.mark.django_db
def test_existing_slug_with_replace_is_replaced(wk_sprint_after_3, seed_data, client):
    assert client.get(f"/{SEED_SLUG}/standings.json").json()["after_distance"] == 3
    seed_data["name"] = "WK Sprint 2024 Vrouwen"
    replaced = load(seed_data, replace=True)
    assert Championship.objects.count() == 1
    assert Championship.objects.get(slug=SEED_SLUG).pk == replaced.pk != wk_sprint_after_3.pk
    assert Skater.objects.count() == 10
    assert Result.objects.count() == 40
    assert Start.objects.count() == 40
    assert Record.objects.count() == 2
    feed = client.get(f"/{SEED_SLUG}/standings.json").json()
    assert feed["championship"]["name"] == "WK Sprint 2024 Vrouwen"
    assert feed["after_distance"] == 4
    assert feed["rows"][0]["points"] == "147.545"


@pytest.mark.django_db
def test_slug_argument_overrides_the_files(wk_sprint, seed_data, client):
    copy_ = load(seed_data, slug="wk-sprint-2024-women-copy")
    assert copy_.slug == "wk-sprint-2024-women-copy"
    assert set(Championship.objects.values_list("slug", flat=True)) == {
        SEED_SLUG,
        "wk-sprint-2024-women-copy",
    }
    assert Result.objects.for_championship(copy_).count() == 40
    feed = client.get("/wk-sprint-2024-women-copy/standings.json").json()
    assert feed["championship"]["slug"] == "wk-sprint-2024-women-copy"
    assert feed["rows"][0]["points"] == "147.545"


@pytest.mark.django_db
@pytest.mark.parametrize("how", ["in the file", "as the slug argument"])
def test_a_slug_that_is_no_url_name_does_not_break_the_site(seed_data, how):
    """docs/championship-file.md: the slug is the URL name. One with spaces must be refused or made a URL name;
    stored as given, it breaks the championship list for every visitor."""
    if how == "in the file":
        seed_data["slug"] = "WK Sprint 2024"
        kwargs = {}
    else:
        kwargs = {"slug": "WK Sprint 2024"}
    try:
        championship = load(seed_data, **kwargs)
    except ChampionshipFileError as refused:
        assert any(p.startswith("$.slug:") for p in refused.problems), refused.problems
        assert Championship.objects.count() == 0
        return
    browser = Client(raise_request_exception=False)
    listing = browser.get("/")
    assert listing.status_code == 200
    assert browser.get(championship.get_absolute_url()).status_code == 200


# --- the round trip --------------------------------------------------------------------------------


def _without_slug(data):
    return {k: v for k, v in data.items() if k != "slug"}


def _as_set(items):
    return sorted(json.dumps(item, sort_keys=True, ensure_ascii=False) for item in items)


@pytest.mark.django_db
def test_dump_load_dump_is_stable(wk_sprint):
    first = dump(wk_sprint)
    again = load(copy.deepcopy(first), slug="round-trip")
    second = dump(again)
    assert second["slug"] == "round-trip"
    assert first["slug"] == SEED_SLUG
    assert _without_slug(first) == _without_slug(second)
    # And it is valid JSON.
    assert json.loads(json.dumps(second)) == second


@pytest.mark.django_db
def test_dump_holds_the_original_files_facts(wk_sprint, seed_data):
    dumped = dump(wk_sprint)
    for key in ("format", "version", "name", "slug", "kind", "venue", "notes", "published"):
        assert dumped[key] == seed_data[key], key
    assert dumped["distances"] == seed_data["distances"]
    assert dumped["skaters"] == seed_data["skaters"]
    for key in ("pairs", "results", "records"):
        assert _as_set(dumped[key]) == _as_set(seed_data[key]), key
    assert set(dumped) == set(seed_data)
    # The details that matter most, spelled out.
    grevelt = [r for r in dumped["results"] if r["skater"] == "Isabel Grevelt" and r["distance"] == 4]
    assert grevelt == [
        {"distance": 4, "skater": "Isabel Grevelt", "time": "1:15.28", "source": "published", "status": "DQ"}
    ]
    jackson = [r for r in dumped["results"] if r["skater"] == "Erin Jackson" and r["distance"] == 2]
    assert jackson[0]["source"] == "derived"
    assert dumped["records"][0] == {
        "kind": "TR",
        "meters": 500,
        "time": "37.12",
        "holder": "(before this championship)",
        "source": "illustrative",
    }


@pytest.mark.django_db
def test_dump_keeps_pbs_splits_notes_and_one_skater_pairs(seed_data):
    seed_data["skaters"][1]["pb"] = {"500": "36,81", "1000": "1:13.12"}
    i = result_index(seed_data, 2, "Femke Kok")
    seed_data["results"][i]["splits"] = ["16.31", "44,20"]
    seed_data["results"][i]["note"] = "fell behind on the crossing"
    seed_data["pairs"].append({"distance": 4, "pair": 6, "inner": "Femke Kok"})
    seed_data["pairs"] = [p for p in seed_data["pairs"] if not (p["distance"] == 4 and p["pair"] == 5)]
    championship = load(seed_data)
    dumped = dump(championship)
    assert dumped["skaters"][1] == {
        "name": "Femke Kok",
        "country": "NED",
        "pb": {"500": "36.81", "1000": "1:13.12"},
    }
    assert dumped["results"][i] == {
        "distance": 2,
        "skater": "Femke Kok",
        "time": "1:14.35",
        "source": "published",
        "splits": ["16.31", "44.20"],
        "note": "fell behind on the crossing",
    }
    assert {"distance": 4, "pair": 6, "inner": "Femke Kok"} in dumped["pairs"]
    assert not [p for p in dumped["pairs"] if p["distance"] == 4 and p["pair"] == 5]


PLACES = {
    "top": lambda data: data,
    "venue": lambda data: data["venue"],
    "distance": lambda data: data["distances"][1],
    "skater": lambda data: data["skaters"][2],
    "pair": lambda data: data["pairs"][4],
    "result": lambda data: data["results"][6],
    "record": lambda data: data["records"][1],
}


@pytest.mark.django_db
@pytest.mark.parametrize("where", PLACES)
def test_other_fields_are_carried_along_everywhere(seed_data, where):
    """docs/championship-file.md: any other field is carried along; a loaded and dumped file holds the same facts."""
    PLACES[where](seed_data)["remark"] = f"kept on the {where}"
    dumped = dump(load(seed_data))
    assert PLACES[where](dumped).get("remark") == f"kept on the {where}"


# --- values beyond what a championship can hold: a message at the path, on SQLite and PostgreSQL --


def _put(*place, value):
    def change(data):
        target = data
        for key in place[:-1]:
            target = target[key]
        target[place[-1]] = value

    return change


def _nested(depth):
    value = []
    for _ in range(depth):
        value = [value]
    return value


FINISH_4_KOK = 7  # results[7]: Femke Kok, distance 4, 1:13.57

BEYOND_LIMITS = {
    "order 10^20": (
        _put("distances", 3, "order", value=10**20),
        "$.distances: Distance order 4 is missing: 4 distances are numbered 1..4 without gaps, "
        "not 100000000000000000000.",
    ),
    "pair number 40000": (
        _put("pairs", 0, "pair", value=40000),
        "$.pairs[0].pair: Ensure this value is less than or equal to 32767.",
    ),
    "pair number 10^20": (
        _put("pairs", 0, "pair", value=10**20),
        "$.pairs[0].pair: 100000000000000000000 is beyond what a championship can hold",
    ),
    "final_places 70000": (
        _put("final_places", value=70000),
        "$.final_places: Ensure this value is less than or equal to 100.",
    ),
    "a carried-along number of 5000 digits": (
        _put("notes", value=10**5000),
        "$.notes: a number of about 5001 digits is beyond what a championship can hold",
    ),
    "a carried-along 10^20": (
        _put("venue", "opened", value=10**20),
        "$.venue.opened: 100000000000000000000 is beyond what a championship can hold",
    ),
    "a carried-along infinity": (
        _put("notes", value=float("inf")),
        "$.notes: inf is not a number a championship can hold",
    ),
    "personal best key ²": (
        _put("skaters", 0, "pb", value={"²": "36.81"}),
        '$.skaters[0].pb["²"]: not a championship distance: write the metres, such as "500"',
    ),
    "personal best key 0500": (
        _put("skaters", 0, "pb", value={"0500": "36.81"}),
        '$.skaters[0].pb.0500: not a championship distance: write the metres, such as "500"',
    ),
    "venue city null": (_put("venue", "city", value=None), "$.venue.city: must be text, not None"),
    "venue country null": (_put("venue", "country", value=None), "$.venue.country: must be text, not None"),
    "venue country GER with a newline": (
        _put("venue", "country", value="GER\n"),
        "$.venue.country: A country is three capital letters A-Z, such as NED. "
        "Ensure this value has at most 3 characters (it has 4).",
    ),
    "deeply nested carried-along field": (
        _put("notes", value=_nested(200)),
        "$.notes" + "[0]" * 32 + ": nested too deeply (at most 32 levels)",
    ),
    "championship name over 200": (
        _put("name", value="W" * 201),
        "$.name: Ensure this value has at most 200 characters (it has 201).",
    ),
    "skater name over 200": (
        _put("skaters", 9, "name", value="E" * 201),
        "$.skaters[9].name: Ensure this value has at most 200 characters (it has 201).",
    ),
    "NUL in a skater name": (
        _put("skaters", 9, "name", value="Ellia\x00Smeding"),
        "$.skaters[9].name: the character U+0000 does not belong in a championship file",
    ),
    "NUL in a carried-along field": (
        _put("results", 0, "source", value="pub\x00lished"),
        "$.results[0].source: the character U+0000 does not belong in a championship file",
    ),
    "a lone surrogate in a name": (
        _put("skaters", 9, "name", value="Ellia \ud800"),
        "$.skaters[9].name: the character U+D800 does not belong in a championship file",
    ),
    "a right-to-left override in a name": (
        _put("skaters", 9, "name", value="\u202eEllia Smeding"),
        "$.skaters[9].name: Text direction characters (U+202E) do not belong in a name.",
    ),
    "a name of spaces only": (
        _put("skaters", 9, "name", value="   "),
        "$.skaters[9].name: A name cannot be blank or spaces only.",
    ),
    "a newline in a name": (
        _put("name", value="World Sprint\n2024"),
        "$.name: Control characters (such as U+000A) do not belong in a name or a line of text.",
    ),
    "country JPN with a newline": (
        _put("skaters", 0, "country", value="JPN\n"),
        "$.skaters[0].country: A country is three capital letters A-Z, such as NED. "
        "Ensure this value has at most 3 characters (it has 4).",
    ),
    "country in lower case": (
        _put("skaters", 0, "country", value="jpn"),
        "$.skaters[0].country: A country is three capital letters A-Z, such as NED.",
    ),
    "a null passing time": (
        _put("results", FINISH_4_KOK, "splits", value=["16.31", None]),
        '$.results[7].splits[1]: a time must be written as text such as "1:13.32", not None',
    ),
    "passing times that do not increase": (
        _put("results", FINISH_4_KOK, "splits", value=["44.20", "16.31"]),
        "$.results[7].splits: Passing time 2 (16.31) must be later than the one before it.",
    ),
    "equal passing times": (
        _put("results", FINISH_4_KOK, "splits", value=["16.31", "16,31"]),
        "$.results[7].splits: Passing time 2 (16.31) must be later than the one before it.",
    ),
    "a passing time after the finish": (
        _put("results", FINISH_4_KOK, "splits", value=["16.31", "1:14.00"]),
        "$.results[7].splits: The last passing time (1:14.00) must be below the finish time.",
    ),
    "a note that is no text": (
        _put("results", FINISH_4_KOK, "note", value={"a": 1}),
        "$.results[7].note: must be text, not a JSON object",
    ),
    "a holder over 200": (
        _put("records", 0, "holder", value="h" * 201),
        "$.records[0].holder: Ensure this value has at most 200 characters (it has 201).",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize(("change", "problem"), BEYOND_LIMITS.values(), ids=BEYOND_LIMITS.keys())
def test_values_beyond_the_limits_are_refused_with_their_path(wk_sprint, seed_data, change, problem):
    assert (seed_data["results"][FINISH_4_KOK]["skater"], seed_data["results"][FINISH_4_KOK]["time"]) == (
        "Femke Kok",
        "1:13.57",
    )
    change(seed_data)
    before = counts()
    with pytest.raises(ChampionshipFileError) as refused:
        load(seed_data, slug=SEED_SLUG, replace=True)
    assert problem in refused.value.problems
    assert counts() == before
    assert Championship.objects.get(slug=SEED_SLUG).pk == wk_sprint.pk


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('{"final_places": ' + "9" * 5000 + "}", "$: a number has too many digits to be read"),
        ("[" * 100000 + "]" * 100000, "$: nested too deeply (at most 32 levels)"),
        (
            '{"name": "x",}',
            "$: not valid JSON: Illegal trailing comma before end of object: line 1 column 13 (char 12)",
        ),
    ],
    ids=["5000 digits", "deeply nested", "trailing comma"],
)
def test_load_championship_refuses_unreadable_json_with_a_message(tmp_path, db, text, problem):
    from django.core.management import CommandError, call_command

    file = tmp_path / "bad.json"
    file.write_text(text, encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("load_championship", str(file))
    assert str(refused.value) == f"{file} was not loaded: {problem}"
    assert counts() == {model.__name__: 0 for model in MODELS}


# --- venues are shared: a file never changes one that another championship uses ----------------


@pytest.mark.django_db
def test_a_file_with_the_same_venue_reuses_it(wk_sprint, seed_data):
    other = load(seed_data, slug="other")
    assert other.venue_id == wk_sprint.venue_id
    assert Venue.objects.count() == 1


@pytest.mark.django_db
def test_a_file_never_rewrites_a_venue_other_championships_use(wk_sprint, seed_data):
    seed_data["venue"] = {"name": "Max Aicher Arena", "city": "Inzell", "country": "AUT", "roof": True}
    with pytest.raises(ChampionshipFileError) as refused:
        load(seed_data, slug="other")
    assert refused.value.problems == [
        "$.venue: Max Aicher Arena, Inzell is already used by other championships with country 'GER' "
        "and other details: write the venue as they have it, or change it in the admin"
    ]
    venue = Venue.objects.get()
    assert (venue.country, venue.extra) == ("GER", {})
    assert not Championship.objects.filter(slug="other").exists()


@pytest.mark.django_db
def test_replacing_the_only_championship_at_a_venue_updates_the_venue(wk_sprint, seed_data):
    seed_data["venue"]["country"] = "AUT"
    replaced = load(seed_data, slug=SEED_SLUG, replace=True)
    assert (replaced.venue_id, replaced.venue.country) == (wk_sprint.venue_id, "AUT")
