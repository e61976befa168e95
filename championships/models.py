"""Championships and what is skated in them. The scoring rules are in `scoring.py`, not here."""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Min, Q
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual
from django.urls import reverse
from django.utils import formats, timezone

from . import scoring
from .display import result_text
from .history import History
from .scoring import official_time
from .times import format_time, parse_time
from .validators import (
    COUNTRY_PATTERN,
    MAX_SKATERS,
    NAME_MAX_LENGTH,
    SMALL_INTEGER_MAX,
    validate_country,
    validate_name,
    validate_race_time,
    validate_splits,
    validate_text,
)

# The distances skated on a 400 m track; the championship file's loader checks the same list.
METERS = (100, 300, 500, 700, 1000, 1500, 3000, 5000, 10000)
METERS_CHOICES = [(m, f"{m} m") for m in METERS]
# What each of scoring's statuses means (a status scoring adds without one here fails at import).
STATUS_MEANINGS = {"DQ": "disqualified", "DNS": "did not start", "DNF": "did not finish", "WDR": "withdrawn"}


# --- Data rules the database holds too (validators.py has the model side) -----------------------
# Every door validates first; these CHECKs stop what slips past (SQLite holds any length or number).


def length_between(field, low, high, name):
    """A CHECK that the text in `field` is `low`..`high` characters long."""
    condition = Q(LessThanOrEqual(Length(field), high))
    if low:
        condition &= Q(GreaterThanOrEqual(Length(field), low))
    return models.CheckConstraint(condition=condition, name=name)


def country_code(field, name, blank=False):
    """A CHECK that `field` holds three capital letters A-Z (or nothing, when `blank`)."""
    condition = Q(**{f"{field}__regex": COUNTRY_PATTERN})
    return models.CheckConstraint(condition=Q(**{field: ""}) | condition if blank else condition, name=name)


RACE_TIME_VALIDATORS = [validate_race_time]
SMALL_NUMBER_VALIDATORS = [MinValueValidator(1), MaxValueValidator(SMALL_INTEGER_MAX)]
# --- end of data rules ---------------------------------------------------------------------------


class ChampionshipQuerySet(models.QuerySet):
    def newest_first(self):
        return self.annotate(first_day=Min("distances__date")).order_by(
            F("first_day").desc(nulls_last=True), "-created", "-pk"
        )


class Championship(models.Model):
    class Kind(models.TextChoices):
        SPRINT = "sprint", "Sprint"
        ALLROUND = "allround", "Allround"
        CUSTOM = "custom", "Custom"

    name = models.CharField(max_length=NAME_MAX_LENGTH, validators=[validate_name])
    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    venue = models.ForeignKey(
        "Venue", null=True, blank=True, on_delete=models.PROTECT, related_name="championships"
    )
    created = models.DateTimeField(auto_now_add=True)
    # Only the best N skate the last distance (allround: 8); None: everyone classified skates it.
    final_places = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_SKATERS)],
        help_text="How many skaters qualify for the last distance (allround: 8). Empty: no cut.",
    )
    # The Dutch federation's way; ISU championships share the rank of equal hundredths.
    rank_by_thousandths = models.BooleanField(
        default=False,
        help_text="Rank equal hundredths on a distance by the measured thousandths where both are known.",
    )
    # Increases with every change of results or start lists: clients and caches key on it.
    revision = models.PositiveIntegerField(default=0, editable=False)
    # Fields of the championship file this version does not use, kept for a faithful dump.
    extra = models.JSONField(default=dict, blank=True, editable=False)

    objects = ChampionshipQuerySet.as_manager()
    # The revision is not a change anyone made: it follows from the others.
    history = History(excluded_fields=["revision"])

    class Meta:
        ordering = ["-created"]
        constraints = [
            length_between("name", 1, NAME_MAX_LENGTH, "championship_name_length"),
            length_between("slug", 1, 100, "championship_slug_length"),
            models.CheckConstraint(
                condition=Q(final_places__isnull=True)
                | Q(final_places__gte=1, final_places__lte=MAX_SKATERS),
                name="championship_final_places_range",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("championships:standings", args=[self.slug])


class Venue(models.Model):
    name = models.CharField(max_length=NAME_MAX_LENGTH, validators=[validate_name])
    city = models.CharField(max_length=100, blank=True, validators=[validate_text])
    country = models.CharField(max_length=3, blank=True, validators=[validate_country])
    extra = models.JSONField(default=dict, blank=True, editable=False)
    history = History()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name", "city"], name="unique_venue_name_city"),
            length_between("name", 1, NAME_MAX_LENGTH, "venue_name_length"),
            length_between("city", 0, 100, "venue_city_length"),
            country_code("country", "venue_country_code", blank=True),
        ]

    def __str__(self):
        return f"{self.name}, {self.city}" if self.city else self.name


class Record(models.Model):
    """A record as it stood before the championship; records set during it follow from results."""

    class Kind(models.TextChoices):
        TR = "TR", "Track record"
        WR = "WR", "World record"
        NR = "NR", "National record"
        CR = "CR", "Championship record"

    championship = models.ForeignKey(Championship, on_delete=models.CASCADE, related_name="records")
    kind = models.CharField(max_length=2, choices=Kind.choices)
    meters = models.PositiveIntegerField(choices=METERS_CHOICES)
    time = models.DecimalField(max_digits=7, decimal_places=2, validators=RACE_TIME_VALIDATORS)
    holder = models.CharField(max_length=NAME_MAX_LENGTH, blank=True, validators=[validate_text])
    # A national record is its country's: only the skaters of that country can beat it.
    country = models.CharField(
        max_length=3, blank=True, help_text="The country of a national record (NR), such as NED."
    )
    extra = models.JSONField(default=dict, blank=True, editable=False)
    history = History()

    class Meta:
        ordering = ["kind", "meters"]
        constraints = [
            models.CheckConstraint(condition=Q(time__gt=0), name="record_time_positive"),
            models.CheckConstraint(condition=Q(meters__in=METERS), name="record_meters_skated"),
            length_between("holder", 0, NAME_MAX_LENGTH, "record_holder_length"),
        ]

    def __str__(self):
        country = f" {self.country}" if self.country else ""
        return f"{self.kind}{country} {self.meters} m {format_time(self.time)}"

    def clean(self):
        if self.kind == self.Kind.NR and not re.fullmatch(r"[A-Z]{3}", self.country or ""):
            raise ValidationError(
                {"country": "A national record names its country (3 capital letters, such as NED)."}
            )
        if self.kind != self.Kind.NR and self.country:
            raise ValidationError({"country": "Only a national record (NR) names a country."})


class Distance(models.Model):
    championship = models.ForeignKey(Championship, on_delete=models.CASCADE, related_name="distances")
    # A distance is known by its place in the programme: a sprint skates 500 and 1000 twice.
    order = models.PositiveSmallIntegerField(validators=SMALL_NUMBER_VALIDATORS)
    meters = models.PositiveIntegerField(choices=METERS_CHOICES)
    date = models.DateField(null=True, blank=True)
    # The referee has confirmed the distance's results; until then they are provisional.
    official = models.BooleanField(
        default=False, help_text="The results of this distance are official (no longer provisional)."
    )
    extra = models.JSONField(default=dict, blank=True, editable=False)
    # Carried-along fields of the file's pairs, by pair number: {"5": {"remark": ...}}.
    pair_extra = models.JSONField(default=dict, blank=True, editable=False)
    # The seed of the random draw the start list came from, so that anyone can redo the draw and
    # check it (draw.random_draw); None when the start list was not drawn at random.
    draw_seed = models.PositiveIntegerField(null=True, blank=True, editable=False)
    history = History()

    class Meta:
        ordering = ["championship", "order"]
        constraints = [
            models.UniqueConstraint(fields=["championship", "order"], name="unique_distance_order"),
            models.CheckConstraint(condition=Q(order__gte=1), name="distance_order_from_one"),
            models.CheckConstraint(condition=Q(order__lte=SMALL_INTEGER_MAX), name="distance_order_fits"),
            models.CheckConstraint(condition=Q(meters__in=METERS), name="distance_meters_skated"),
        ]

    def __str__(self):
        return f"{self.order}. {self.meters} m"

    def get_absolute_url(self):
        return reverse("championships:distance", args=[self.championship.slug, self.order])


class Skater(models.Model):
    championship = models.ForeignKey(Championship, on_delete=models.CASCADE, related_name="skaters")
    name = models.CharField(max_length=NAME_MAX_LENGTH, validators=[validate_name])
    country = models.CharField(max_length=3, validators=[validate_country])
    extra = models.JSONField(default=dict, blank=True, editable=False)
    history = History()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["championship", "name"], name="unique_skater_name_per_championship"
            ),
            length_between("name", 1, NAME_MAX_LENGTH, "skater_name_length"),
            country_code("country", "skater_country_code"),
        ]

    def __str__(self):
        return f"{self.name} ({self.country})"


class PersonalBestQuerySet(models.QuerySet):
    def for_championship(self, championship):
        return self.filter(skater__championship=championship)

    def by_skater_and_meters(self):
        """{(skater id, metres): time}, as scoring.record_badges takes them."""
        return {(best.skater_id, best.meters): best.time for best in self}


class PersonalBest(models.Model):
    """A skater's best time on a distance before the championship (the PB badge compares to it)."""

    skater = models.ForeignKey(Skater, on_delete=models.CASCADE, related_name="personal_bests")
    meters = models.PositiveIntegerField(choices=METERS_CHOICES)
    time = models.DecimalField(max_digits=7, decimal_places=2, validators=RACE_TIME_VALIDATORS)

    objects = PersonalBestQuerySet.as_manager()
    history = History()

    class Meta:
        ordering = ["skater", "meters"]
        constraints = [
            models.UniqueConstraint(fields=["skater", "meters"], name="one_personal_best_per_distance"),
            models.CheckConstraint(condition=Q(time__gt=0), name="personal_best_time_positive"),
            models.CheckConstraint(condition=Q(meters__in=METERS), name="personal_best_meters_skated"),
        ]

    def __str__(self):
        return f"{self.skater.name}: {self.meters} m {format_time(self.time)}"


class Start(models.Model):
    """A skater's place in a distance's start list: pair number and lane."""

    class Lane(models.TextChoices):
        INNER = "inner", "Inner (white)"
        OUTER = "outer", "Outer (red)"

    distance = models.ForeignKey(Distance, on_delete=models.CASCADE, related_name="starts")
    pair = models.PositiveSmallIntegerField(validators=SMALL_NUMBER_VALIDATORS)
    lane = models.CharField(max_length=5, choices=Lane.choices)
    skater = models.ForeignKey(Skater, on_delete=models.CASCADE, related_name="starts")
    history = History()

    class Meta:
        ordering = ["distance", "pair", "lane"]
        constraints = [
            models.UniqueConstraint(fields=["distance", "skater"], name="one_start_per_skater"),
            models.UniqueConstraint(fields=["distance", "pair", "lane"], name="one_skater_per_lane"),
            models.CheckConstraint(condition=Q(pair__gte=1), name="pair_number_from_one"),
            models.CheckConstraint(condition=Q(pair__lte=SMALL_INTEGER_MAX), name="pair_number_fits"),
        ]

    def __str__(self):
        return f"pair {self.pair} {self.lane}: {self.skater.name}"

    def clean(self):
        if (
            self.distance_id
            and self.skater_id
            and self.skater.championship_id != self.distance.championship_id
        ):
            raise ValidationError({"skater": "This skater is not in this championship."})


@dataclass(frozen=True)
class Correction:
    """A result's time or status changed after it was shown: when, and what it was before."""

    at: datetime.datetime
    time: Decimal | None
    status: str

    def __str__(self):
        """The earlier result as the page's language writes it ("1:13.75", "DQ")."""
        return result_text(self.time, self.status, formats.get_format("DECIMAL_SEPARATOR"))


class ResultQuerySet(models.QuerySet):
    def for_distance(self, distance):
        return self.filter(distance=distance)

    def for_championship(self, championship):
        return self.filter(distance__championship=championship)


class Result(models.Model):
    # scoring's statuses (scoring stays free of Django), as "DQ (disqualified)".
    Status = models.TextChoices(
        "Status", [(code, (code, f"{code} ({STATUS_MEANINGS[code]})")) for code in scoring.STATUSES]
    )

    distance = models.ForeignKey(Distance, on_delete=models.CASCADE, related_name="results")
    skater = models.ForeignKey(Skater, on_delete=models.CASCADE, related_name="results")
    # Hundredths of a second; a status may carry a time that is shown but never counted.
    time = models.DecimalField(
        max_digits=7, decimal_places=2, null=True, blank=True, validators=RACE_TIME_VALIDATORS
    )
    # The time as measured (a timing system's thousandths), where known; `time` is its truncation.
    raw_time = models.DecimalField(
        max_digits=8,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="The measured time with more decimals (78.508); it truncates to the time (78.50).",
    )
    status = models.CharField(max_length=3, choices=Status.choices, blank=True, default="")
    # Passing times in seconds, as strings with two decimals ("17.85"), in order.
    splits = models.JSONField(default=list, blank=True, validators=[validate_splits])
    note = models.CharField(max_length=200, blank=True, validators=[validate_text])
    # Increases with every saved change: a form remembers the version it was opened on, so a save
    # over a value someone changed meanwhile is caught (results.save_result).
    version = models.PositiveIntegerField(default=1, editable=False)
    extra = models.JSONField(default=dict, blank=True, editable=False)
    # Set when a time or status already saved (and so shown) is changed: the public pages mark
    # the result "corrected" with when and what it was, without reading the history per row.
    corrected_at = models.DateTimeField(null=True, blank=True, editable=False)
    corrected_from_time = models.DecimalField(
        max_digits=7, decimal_places=2, null=True, blank=True, editable=False
    )
    corrected_from_status = models.CharField(max_length=3, blank=True, default="", editable=False)

    objects = ResultQuerySet.as_manager()
    # The version and the correction mark follow from the changes the history holds anyway.
    history = History(
        excluded_fields=["version", "corrected_at", "corrected_from_time", "corrected_from_status"]
    )

    class Meta:
        ordering = ["distance", "time"]
        constraints = [
            models.UniqueConstraint(fields=["distance", "skater"], name="one_result_per_distance"),
            models.CheckConstraint(
                condition=Q(time__isnull=False) | ~Q(status=""), name="result_time_or_status"
            ),
            models.CheckConstraint(
                condition=Q(time__isnull=True) | Q(time__gt=0), name="result_time_positive"
            ),
            # time <= raw_time < time + 0.01: the time is the measured one truncated.
            models.CheckConstraint(
                condition=Q(raw_time__isnull=True)
                | Q(time__isnull=False, raw_time__gte=F("time"), raw_time__lt=F("time") + Decimal("0.01")),
                name="result_raw_time_truncates_to_time",
                violation_error_message="The measured time must truncate to the time.",
            ),
            length_between("note", 0, 200, "result_note_length"),
        ]

    def __str__(self):
        return f"{self.skater.name}, {self.distance}: {result_text(self.time, self.status)}"

    @property
    def correction(self):
        """The Correction of this result, or None when it stands as first saved."""
        if self.corrected_at is None:
            return None
        return Correction(self.corrected_at, self.corrected_from_time, self.corrected_from_status)

    def correct(self, earlier):
        """Mark this result, about to be saved, as corrected now from `earlier` (the stored one),
        if its time or status changed: what was shown is no longer so."""
        if (earlier.time, earlier.status) != (self.time, self.status):
            self.corrected_at = timezone.now()
            self.corrected_from_time, self.corrected_from_status = earlier.time, earlier.status

    def clean(self):
        # Data rule: the passing times come before the finish (validate_splits checks their order).
        if self.time is not None and isinstance(self.splits, list) and self.splits:
            try:
                last = parse_time(self.splits[-1])
            except (AttributeError, ValueError):
                return  # validate_splits names the unreadable passing time
            if last >= self.time:
                raise ValidationError(
                    {"splits": f"The last passing time ({self.splits[-1]}) must be below the finish time."}
                )
        if self.raw_time is None:
            return
        if self.time is None:
            raise ValidationError({"raw_time": "A measured time needs the official time it truncates to."})
        if official_time(self.raw_time) != self.time:
            raise ValidationError(
                {
                    "raw_time": f"The measured time {self.raw_time.normalize():f} does not truncate to "
                    f"the time {format_time(self.time)}."
                }
            )


from .timing.models import Race, TimingEvent, TimingToken  # noqa: E402, F401 (Django finds the feed's models here)
