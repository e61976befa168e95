import json
import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from championships.championship_file import load
from championships.history import door
from championships.officials import ensure_official

DEMO_FILE = Path(settings.BASE_DIR) / "data" / "wk-sprint-2024-women.json"


class Command(BaseCommand):
    help = (
        "Load the demo championship where the seed article stands (three distances skated, the "
        "final 1000 m start list ready) and print an official's login."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(DEMO_FILE))
        parser.add_argument(
            "--results-until",
            type=int,
            default=3,
            help="load results up to this distance; later ones are left to enter or replay",
        )

    @door("command demo")
    def handle(self, file, results_until, **options):
        with open(file, encoding="utf-8") as f:
            championship = load(json.load(f), replace=True, results_until=results_until)
        username, password = ensure_official()
        port = os.environ.get("PORT", "8000")
        self.stdout.write(self.style.SUCCESS(f"Loaded {championship.name} up to distance {results_until}."))
        self.stdout.write(f"  Standings: http://127.0.0.1:{port}/{championship.slug}/")
        self.stdout.write(f"  Officials: http://127.0.0.1:{port}/admin/  login {username} / {password}")
        replay = "make replay" if port == "8000" else f"make replay PORT={port}"
        self.stdout.write(f"  Watch the final 1000 m skated: `{replay}` in a second terminal.")
