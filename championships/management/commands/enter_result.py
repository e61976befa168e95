from django.core.management.base import BaseCommand, CommandError

from championships import scoring
from championships.display import result_text
from championships.forms import result_form
from championships.models import Championship, Distance, Skater
from championships.times import TimeFormatError, parse_time


class Command(BaseCommand):
    help = (
        "Enter or correct one result, through the same validation, records and live push as the "
        "admin: for timing systems and scripts."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--distance", type=int, required=True, help="distance order (1..n)")
        parser.add_argument("--skater", required=True, help="skater name as in the start list")
        parser.add_argument("--time", help="37.07, 37,07, 1:13.32 or 1.13,32")
        parser.add_argument("--status", help="DQ, DNS, DNF or WDR")

    def handle(self, slug, distance, skater, time=None, status=None, **options):
        if time is None and status is None:
            raise CommandError("give --time, --status, or both")
        try:
            championship = Championship.objects.get(slug=slug)
        except Championship.DoesNotExist:
            raise CommandError(f"no championship {slug!r}")
        try:
            distance_obj = championship.distances.get(order=distance)
        except Distance.DoesNotExist:
            raise CommandError(f"{championship} has no distance {distance}")
        try:
            skater_obj = championship.skaters.get(name__iexact=skater.strip())
        except Skater.DoesNotExist:
            raise CommandError(f"no skater {skater!r} in {championship}")
        try:
            time = parse_time(time) if time is not None else None
            status = scoring.normalise_status(status) if status is not None else None
        except (TimeFormatError, ValueError) as error:
            raise CommandError(str(error))
        form = result_form(distance_obj, skater_obj, time, status)
        if not form.is_valid():
            raise CommandError("; ".join(e for errors in form.errors.values() for e in errors))
        result = form.save()
        shown = result_text(result.time, result.status)
        self.stdout.write(f"{skater_obj.name}, distance {distance} ({distance_obj.meters} m): {shown}")
