from django.core.management.base import BaseCommand, CommandError

from championships.models import Championship
from championships.timing.models import TimingToken


class Command(BaseCommand):
    help = (
        "Make a timing device's token for a championship's feed (printed once, alone on the last "
        "line; only its hash is kept), or end it with --revoke."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--name", required=True, help='the device, e.g. "Vantage main"')
        parser.add_argument("--revoke", action="store_true", help="end the token of that name")

    def handle(self, slug, name, revoke, **options):
        championship = Championship.objects.filter(slug=slug).first()
        if championship is None:
            raise CommandError(f"no championship {slug!r}")
        name = name.strip()
        if not name:
            raise CommandError("give the device a name: --name NAME")
        active = championship.timing_tokens.active().filter(name=name).first()
        if revoke:
            if active is None:
                raise CommandError(f"{championship} has no token named {name!r} to revoke")
            active.revoke()
            self.stdout.write(f"Revoked the token {name!r} of {championship}.")
            return
        if active is not None:
            raise CommandError(
                f"{championship} already has a token named {name!r}: revoke it first (--revoke) or pick another name"
            )
        _, secret = TimingToken.issue(championship, name)
        self.stdout.write(f"Token {name!r} for {championship} (shown this once; only its hash is kept):")
        self.stdout.write(secret)
