from django.core.management.base import BaseCommand, CommandError

from championships.championship_file import ChampionshipFileError, load, parse
from championships.history import door


class Command(BaseCommand):
    help = "Load a championship file (sprintboard-championship v1), all or nothing; print its slug."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--slug", help="URL name to use instead of the file's")
        parser.add_argument(
            "--replace", action="store_true", help="replace a championship with the same slug"
        )

    @door("command load_championship")
    def handle(self, file, slug=None, replace=False, **options):
        try:
            with open(file, encoding="utf-8") as f:
                text = f.read()
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror}")
        except UnicodeDecodeError as error:
            raise CommandError(f"{file} is not valid JSON: {error}")
        try:
            data = parse(text)
        except ChampionshipFileError as error:
            raise CommandError(f"{file} was not loaded: {error}")
        try:
            championship = load(data, slug=slug, replace=replace)
        except ChampionshipFileError as error:
            for problem in error.problems:
                self.stderr.write(problem)
            raise CommandError(f"{file} was not loaded: {len(error.problems)} problem(s), nothing written")
        self.stdout.write(championship.slug)
