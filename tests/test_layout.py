"""What the layout promises: the scoring rules, the time parser and the charts' geometry stay free
of Django, and every list of choices has one source."""

import subprocess
import sys
from pathlib import Path

import pytest

from championships import championship_file, scoring
from championships.models import METERS, METERS_CHOICES, Championship, Record, Result

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("module", ["championships.scoring", "championships.times", "championships.charts"])
def test_pure_modules_do_not_import_django(module):
    """Imported alone, in a fresh interpreter: nothing they import (at any depth) is Django."""
    check = (
        f"import sys, {module}\n"
        "found = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "print(' '.join(found[:5]))\n"
    )
    run = subprocess.run([sys.executable, "-c", check], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "", f"{module} imports {run.stdout.strip()}"


def test_the_results_statuses_are_the_scoring_rules_statuses():
    assert Result.Status.values == list(scoring.STATUSES)
    assert Result.Status.choices == [
        ("DQ", "DQ (disqualified)"),
        ("DNS", "DNS (did not start)"),
        ("DNF", "DNF (did not finish)"),
        ("WDR", "WDR (withdrawn)"),
    ]
    for status in Result.Status.values:
        assert scoring.normalise_status(status.lower()) == status
        scoring.Result(skater="Kok", distance=1, time=None, status=status)  # accepted by the rules


def test_the_loader_accepts_what_the_models_store():
    assert championship_file.METERS is METERS
    assert [m for m, _ in METERS_CHOICES] == list(METERS)
    assert championship_file.KINDS == {"sprint", "allround", "custom"} == set(Championship.Kind.values)
    assert championship_file.RECORD_KINDS == {"TR", "WR", "NR", "CR"} == set(Record.Kind.values)
