"""Plausible times (docs/rules.md): a time far from what its distance allows is almost always a typing
slip, so it needs the official's confirmation before it is saved (it is never refused)."""

from decimal import Decimal

from django.conf import settings

from .times import format_time, parse_time

# How far from the skater's personal best a time may lie before it is questioned.
FASTER_THAN_BEST = Decimal("0.04")
SLOWER_THAN_BEST = Decimal("0.15")


def personal_best(skater, meters):
    """The skater's personal best on `meters` before the championship, or None. The one place
    this module reads them (where they are stored is the PersonalBest model's business)."""
    best = skater.personal_bests.filter(meters=meters).first()
    return best.time if best else None


def implausible(time, meters, skater):
    """Why `time` on `meters` is doubtful for `skater`, in an official's words; None if it is not."""
    if meters in settings.PLAUSIBLE_TIMES:
        fastest, slowest = (parse_time(t) for t in settings.PLAUSIBLE_TIMES[meters])
        if not fastest <= time <= slowest:
            side = "faster" if time < fastest else "slower"
            reason = (
                f"{format_time(time)} is {side} than any {meters} m in a senior championship "
                f"({_rounded(fastest)}-{_rounded(slowest)}{'' if slowest >= 60 else ' s'})"
            )
            meant = _minutes_typed_as_seconds(time)
            if meant is not None and fastest <= meant <= slowest:
                reason += f" — did you mean {format_time(meant)}?"
            return reason
    best = personal_best(skater, meters)
    if best is None:
        return None
    if time < best * (1 - FASTER_THAN_BEST):
        return (
            f"{format_time(time)} is more than {FASTER_THAN_BEST:.0%} faster than {skater.name}'s "
            f"personal best on {meters} m ({format_time(best)})"
        )
    if time > best * (1 + SLOWER_THAN_BEST):
        return (
            f"{format_time(time)} is more than {SLOWER_THAN_BEST:.0%} slower than {skater.name}'s "
            f"personal best on {meters} m ({format_time(best)})"
        )
    return None


def _minutes_typed_as_seconds(time):
    """113.57 read as seconds is 1:53.57; typed for 1:13.57 it was minutes and seconds run together."""
    whole = int(time)
    minutes, seconds = divmod(whole, 100)
    if minutes and seconds < 60:
        return minutes * 60 + seconds + (time - whole)
    return None


def _rounded(time):
    """A range end as docs/rules.md writes it: 1:04, 50."""
    text = format_time(time)
    return text.removesuffix(".00")
