"""What the timing feed keeps: the devices' tokens, every event it took, and each race's state.

A race is one skater's race in a pair, as the timing system reported it. Whether a Result was
written by the feed is known here (`Race.written`), not in Result: a result that no longer reads
as the feed last wrote it was entered or corrected by an official.
"""

import hashlib
import secrets
from decimal import ROUND_DOWN, Decimal

from django.db import models
from django.db.models import Q
from django.utils import timezone

from ..models import Championship, Distance, Result, Skater, Start
from ..times import HUNDREDTH, format_time


def hundredths(raw):
    """A timing system's time ("47.8787") as the sport counts it: truncated to hundredths."""
    return Decimal(raw).quantize(HUNDREDTH, rounding=ROUND_DOWN)


class TimingTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked=None)

    def for_secret(self, secret):
        return self.filter(token_hash=TimingToken.digest(secret)).first()


class TimingToken(models.Model):
    """One device's key to a championship's feed. Only its hash is stored."""

    championship = models.ForeignKey(Championship, on_delete=models.CASCADE, related_name="timing_tokens")
    name = models.CharField(max_length=100, help_text='The device, e.g. "Vantage main" or "photo-finish".')
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True, editable=False)
    revoked = models.DateTimeField(null=True, blank=True, editable=False)

    objects = TimingTokenQuerySet.as_manager()

    class Meta:
        ordering = ["championship", "name", "-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["championship", "name"],
                condition=Q(revoked=None),
                name="one_active_timing_token_per_name",
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.championship})"

    @staticmethod
    def digest(secret):
        # The secrets are long and random: a plain hash is enough, no slow password hash.
        return hashlib.sha256(secret.encode()).hexdigest()

    @classmethod
    def issue(cls, championship, name):
        """A new token; returns (token, secret). The secret is never stored or shown again."""
        secret = secrets.token_urlsafe(32)
        return cls.objects.create(championship=championship, name=name, token_hash=cls.digest(secret)), secret

    def revoke(self):
        self.revoked = timezone.now()
        self.save(update_fields=["revoked"])


class Race(models.Model):
    """One skater's race as the feed reported it: passings, finish and status, raw as received."""

    distance = models.ForeignKey(Distance, on_delete=models.CASCADE, related_name="timing_races")
    skater = models.ForeignKey(Skater, on_delete=models.CASCADE, related_name="timing_races")
    pair = models.PositiveSmallIntegerField()
    lane = models.CharField(max_length=5, choices=Start.Lane.choices)
    started = models.DateTimeField(null=True, blank=True)
    # By metres skated: {"200": {"time": "19.2512", "source": "transponder"}}; times as received.
    passings = models.JSONField(default=dict, blank=True)
    # {"time": "78.5077", "source": "photofinish"}: the raw finish (Result keeps hundredths).
    finish = models.JSONField(null=True, blank=True)
    status = models.CharField(max_length=3, choices=Result.Status.choices, blank=True, default="")
    # The skater's Result as the feed last wrote it ({"time", "status", "splits"}); None: never.
    written = models.JSONField(null=True, blank=True, editable=False)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["distance", "pair", "lane"]
        constraints = [
            models.UniqueConstraint(fields=["distance", "skater"], name="one_timing_race_per_skater")
        ]

    def __str__(self):
        return f"{self.distance}, pair {self.pair} {self.lane}: {self.skater.name}"

    def passing_times(self):
        """[(metres, raw time)], in the order skated."""
        return sorted((int(m), Decimal(p["time"])) for m, p in self.passings.items())

    def splits(self):
        """The passing times as the result's splits: truncated to hundredths."""
        return [format_time(hundredths(time)) for _, time in self.passing_times()]

    def lap_times(self):
        """[(metres, lap time)]: each the difference of two truncated passing times (docs/rules.md),
        the finish included once it is in."""
        times = [(m, hundredths(t)) for m, t in self.passing_times()]
        if self.finish:
            times.append((self.distance.meters, hundredths(self.finish["time"])))
        return [(m, t - previous) for (_, previous), (m, t) in zip([(0, Decimal(0)), *times], times)]

    def finish_time(self):
        return hundredths(self.finish["time"]) if self.finish else None

    @staticmethod
    def snapshot(result):
        """What of a Result tells whether it is still as the feed wrote it."""
        return {
            "time": None if result.time is None else str(result.time),
            "status": result.status,
            "splits": list(result.splits),
        }

    def by_official(self, result):
        """The result was entered or corrected by an official (or loaded from a file), not by this feed."""
        return result is not None and self.written != self.snapshot(result)


class TimingEvent(models.Model):
    """An event the feed took, as received (so the raw times stay): retries are recognised by it."""

    class Outcome(models.TextChoices):
        APPLIED = "applied", "applied"
        IGNORED = "ignored", "ignored (a lower source than what the race has)"
        KEPT = "kept", "kept the official's result"

    token = models.ForeignKey(TimingToken, on_delete=models.CASCADE, related_name="events")
    event_id = models.CharField(max_length=100)
    race = models.ForeignKey(Race, null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
    received = models.DateTimeField(auto_now_add=True)
    payload = models.JSONField()
    outcome = models.CharField(max_length=7, choices=Outcome.choices)

    class Meta:
        ordering = ["received", "pk"]
        constraints = [models.UniqueConstraint(fields=["token", "event_id"], name="one_timing_event_per_id")]

    def __str__(self):
        return f"{self.token.name}: {self.event_id}"
