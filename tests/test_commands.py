"""`manage.py load_championship`, `dump_championship` (docs/interfaces.md) and `replay`."""

import json
import os
import re
import sqlite3
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from championships.championship_file import dump
from championships.models import Championship, Distance, Record, Result, Skater, Start
from tests.support.seed import SEED_FILE

SLUG = "wk-sprint-2024-women"
MODELS = (Championship, Distance, Skater, Start, Result, Record)


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def write(tmp_path, data, name="championship.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def broken(seed_data):
    """The seed with three problems."""
    seed_data["results"][3]["time"] = "1:75.00"
    seed_data["results"][9]["status"] = "XX"
    seed_data["pairs"][0]["inner"] = "Irene Schouten"
    return seed_data


BROKEN_PATHS = ("$.results[3].time", "$.results[9].status", "$.pairs[0].inner")


def run(*args):
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# --- load_championship ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_load_prints_the_slug_and_loads_everything(client):
    out, err = run("load_championship", str(SEED_FILE))
    assert out.strip() == SLUG
    assert err == ""
    championship = Championship.objects.get(slug=SLUG)
    assert championship.skaters.count() == 10
    assert Result.objects.for_championship(championship).count() == 40
    rows = client.get(f"/{SLUG}/standings.json").json()["rows"]
    assert [(r["skater"]["name"], r["points"]) for r in rows[:3]] == [
        ("Miho Takagi", "147.545"),
        ("Femke Kok", "148.100"),
        ("Jutta Leerdam", "148.265"),
    ]


@pytest.mark.django_db
def test_load_with_slug_prints_that_slug(wk_sprint):
    out, _ = run("load_championship", str(SEED_FILE), "--slug", "ek-sprint-test")
    assert out.strip() == "ek-sprint-test"
    assert set(Championship.objects.values_list("slug", flat=True)) == {SLUG, "ek-sprint-test"}
    assert Result.objects.for_championship(Championship.objects.get(slug="ek-sprint-test")).count() == 40


@pytest.mark.django_db
def test_load_existing_slug_is_refused_without_replace(wk_sprint_after_3):
    before = counts()
    err = StringIO()
    with pytest.raises(CommandError):
        call_command("load_championship", str(SEED_FILE), stdout=StringIO(), stderr=err)
    assert "$.slug" in err.getvalue()
    assert SLUG in err.getvalue()
    assert counts() == before


@pytest.mark.django_db
def test_load_with_replace_replaces(wk_sprint_after_3):
    assert Result.objects.count() == 30
    out, _ = run("load_championship", str(SEED_FILE), "--replace")
    assert out.strip() == SLUG
    assert Championship.objects.count() == 1
    assert Result.objects.count() == 40
    assert Championship.objects.get(slug=SLUG).pk != wk_sprint_after_3.pk


@pytest.mark.django_db
def test_load_broken_file_lists_every_problem_and_writes_nothing(tmp_path, seed_data, wk_sprint):
    path = write(tmp_path, broken(seed_data))
    before = counts()
    err = StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("load_championship", str(path), "--replace", stdout=StringIO(), stderr=err)
    lines = err.getvalue().splitlines()
    assert sorted(line.split(": ", 1)[0] for line in lines) == sorted(BROKEN_PATHS)
    assert "3 problem(s)" in str(refused.value)
    assert "nothing written" in str(refused.value)
    assert counts() == before
    assert Championship.objects.get(slug=SLUG).pk == wk_sprint.pk


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content, message",
    [
        ('{"format": "sprintboard-championship", ', "not valid JSON"),
        (b"\xff\xfe\x00garbage", "not valid JSON"),
        (None, "cannot read"),
    ],
    ids=["truncated JSON", "not UTF-8", "missing file"],
)
def test_load_unreadable_file_is_a_clear_error(tmp_path, content, message):
    path = tmp_path / "file.json"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        run("load_championship", str(path))
    assert Championship.objects.count() == 0


# --- dump_championship ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_dump_writes_the_championship_as_json(wk_sprint, seed_data):
    out, _ = run("dump_championship", SLUG)
    written = json.loads(out)
    assert written == dump(wk_sprint)
    assert written["name"] == "World Sprint Championships 2024 — Women"
    assert written["format"] == "sprintboard-championship"
    assert len(written["results"]) == 40
    assert written["published"] == seed_data["published"]
    # Names are written as they are, not as \\u escapes.
    assert "—" in out


@pytest.mark.django_db
def test_dump_unknown_slug_is_an_error(wk_sprint):
    with pytest.raises(CommandError, match="wk-sprint-2023-women"):
        run("dump_championship", "wk-sprint-2023-women")


@pytest.mark.django_db
def test_dump_then_load_under_another_slug(tmp_path, wk_sprint):
    out, _ = run("dump_championship", SLUG)
    path = tmp_path / "dumped.json"
    path.write_text(out, encoding="utf-8")
    loaded, _ = run("load_championship", str(path), "--slug", "copy")
    assert loaded.strip() == "copy"
    again, _ = run("dump_championship", "copy")
    first, second = json.loads(out), json.loads(again)
    assert second.pop("slug") == "copy"
    assert first.pop("slug") == SLUG
    assert first == second


# --- a real process: exit code and stderr ------------------------------------------------------------


def test_manage_py_load_broken_file_exits_non_zero(tmp_path, seed_data):
    """The command as a timing system or script calls it, against a fresh migrated database."""
    database = tmp_path / "db.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "PYTHONWARNINGS": "ignore"}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    manage = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py")]

    migrate = subprocess.run(
        [*manage, "migrate", "--no-input", "-v", "0"], env=env, capture_output=True, text=True, timeout=120
    )
    assert migrate.returncode == 0, migrate.stderr

    path = write(tmp_path, broken(seed_data))
    loaded = subprocess.run(
        [*manage, "load_championship", str(path)], env=env, capture_output=True, text=True, timeout=120
    )
    assert loaded.returncode != 0
    assert loaded.stdout.strip() == ""
    for problem in BROKEN_PATHS:
        assert problem in loaded.stderr
    assert "1:75.00" in loaded.stderr
    with sqlite3.connect(database) as db:
        for table in ("championship", "skater", "result", "start", "distance", "record"):
            assert db.execute(f"select count(*) from championships_{table}").fetchone() == (0,), table


# --- replay ---------------------------------------------------------------------------------------


def test_replay_enters_a_distance_pair_by_pair(wk_sprint_after_3, client):
    out, _ = run("replay", SLUG, "--distance", "4", "--source", str(SEED_FILE), "--pace", "0")
    lines = out.splitlines()
    assert len(lines) == 5 and lines[0].startswith("pair 1: ")
    assert "Femke Kok 1:13.57" in lines[4] and "Miho Takagi 1:13.13" in lines[4]
    rows = client.get(f"/{SLUG}/standings.json").json()["rows"]
    assert [(r["skater"]["name"], r["points"]) for r in rows[:3]] == [
        ("Miho Takagi", "147.545"),
        ("Femke Kok", "148.100"),
        ("Jutta Leerdam", "148.265"),
    ]
    assert Result.objects.filter(distance__order=4).count() == 10


def test_demo_tells_how_to_replay_on_its_port(db, monkeypatch):
    monkeypatch.setenv("PORT", "8123")
    out, _ = run("demo")
    assert "http://127.0.0.1:8123/wk-sprint-2024-women/" in out
    assert "`make replay PORT=8123` in a second terminal" in out
    monkeypatch.setenv("PORT", "8000")
    assert "`make replay` in a second terminal" in run("demo")[0]


@pytest.mark.parametrize(
    "slug, skater, message",
    [
        (SLUG, "\x00", "no skater '\\x00': Control characters (such as U+0000)"),
        ("wk\x00", "Femke Kok", "no championship 'wk\\x00': Control characters (such as U+0000)"),
    ],
)
def test_enter_result_refuses_a_nul_with_a_message(wk_sprint_after_3, slug, skater, message):
    # PostgreSQL refuses a NUL even in a lookup: it was a traceback there.
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("enter_result", slug, distance=4, skater=skater, time="1:13.57")
    assert not wk_sprint_after_3.skaters.get(name="Femke Kok").results.filter(distance__order=4).exists()
