import json

from django.core.management.base import BaseCommand, CommandError

from championships.championship_file import dump
from championships.models import Championship


class Command(BaseCommand):
    help = "Write a championship as a championship file (sprintboard-championship v1) to stdout."

    def add_arguments(self, parser):
        parser.add_argument("slug")

    def handle(self, slug, **options):
        try:
            championship = Championship.objects.get(slug=slug)
        except Championship.DoesNotExist:
            raise CommandError(f"no championship {slug!r}")
        self.stdout.write(json.dumps(dump(championship), ensure_ascii=False, indent=1))
