"""The seed championship file: World Sprint Championships 2024, women (data/). Plain JSON, no
Django, so that the pure scoring tests can read it too."""

import copy
import json
from pathlib import Path

SEED_FILE = Path(__file__).resolve().parents[2] / "data" / "wk-sprint-2024-women.json"
SEED_SLUG = "wk-sprint-2024-women"
_SEED = json.loads(SEED_FILE.read_text(encoding="utf-8"))


def seed_data():
    """A fresh, mutable copy of the seed file's content."""
    return copy.deepcopy(_SEED)
