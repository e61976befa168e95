from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from championships.display import result_text
from championships.forms import how_to_confirm
from championships.history import door
from championships.models import Championship, Distance, Skater
from championships.results import StaleResult, clear_result, save_result
from championships.validators import validate_text


class Command(BaseCommand):
    help = (
        "Enter, correct or (--clear) remove one result, through the same validation, records and "
        "live push as the admin: for timing systems and scripts."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--distance", type=int, required=True, help="distance order (1..n)")
        parser.add_argument("--skater", required=True, help="skater name as in the start list")
        parser.add_argument("--time", help="37.07, 37,07, 1:13.32 or 1.13,32")
        parser.add_argument("--status", help="DQ, DNS, DNF or WDR")
        parser.add_argument("--clear", action="store_true", help="remove the skater's result")
        parser.add_argument(
            "--confirm", action="store_true", help="save a time outside what is plausible for the distance"
        )

    @door("command enter_result")
    def handle(self, slug, distance, skater, time=None, status=None, clear=False, confirm=False, **options):
        if clear and (time is not None or status is not None):
            raise CommandError("give --clear alone, without --time or --status")
        if not clear and time is None and status is None:
            raise CommandError("give --time, --status, or both (or --clear)")
        # Looked up only when it could be stored: PostgreSQL refuses a NUL even in a query.
        for what, value in (("championship", slug), ("skater", skater)):
            try:
                validate_text(value)
            except ValidationError as error:
                raise CommandError(f"no {what} {value!r}: {error.messages[0]}")
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
        where = f"{skater_obj.name}, distance {distance} ({distance_obj.meters} m)"
        try:
            if clear:
                removed = clear_result(distance_obj, skater_obj)
                self.stdout.write(f"{where}: {'result removed' if removed else 'had no result'}")
                return
            result, _ = save_result(distance_obj, skater_obj, time=time, status=status, confirmed=confirm)
        except ValidationError as error:
            raise CommandError("; ".join(how_to_confirm(error, "give --confirm to save it").messages))
        except StaleResult as stale:
            raise CommandError(str(stale))
        self.stdout.write(f"{where}: {result_text(result.time, result.status)}")
