"""The rules on a championship's data, in one place: the models, the admin and the loader use these.

Each validator raises Django's ValidationError with an official's wording, so every door (admin
forms and inlines, the pair entry, the championship file, commands, the timing feed) refuses the
same values with the same words.
"""

import re
import unicodedata
from collections import Counter

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator

from .times import FASTEST, SLOWEST, TimeFormatError, parse_time

NAME_MAX_LENGTH = 200
# Enough for every field of a championship; final_places above it is a typing error.
MAX_SKATERS = 100
# Explicit, because SQLite holds any integer: without it a file could store what the admin refuses.
SMALL_INTEGER_MAX = 32767

COUNTRY_PATTERN = r"^[A-Z]{3}\Z"  # \Z: unlike $, no trailing newline slips through ("JPN\n")
validate_country = RegexValidator(
    re.compile(COUNTRY_PATTERN),
    "A country is three capital letters A-Z, such as NED.",
    code="country",
)

# Overrides and embeddings flip the text around a name (a row shown right to left).
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def validate_text(value):
    """No control characters (NUL, newlines, tabs) and no bidi overrides in a line of text."""
    for character in value:
        if unicodedata.category(character) in ("Cc", "Cs"):
            raise ValidationError(
                "Control characters (such as %(character)s) do not belong in a name or a line of text.",
                code="control_character",
                params={"character": f"U+{ord(character):04X}"},
            )
        if character in BIDI_CONTROLS:
            raise ValidationError(
                "Text direction characters (%(character)s) do not belong in a name.",
                code="bidi_control",
                params={"character": f"U+{ord(character):04X}"},
            )


def validate_name(value):
    """A name: some visible text (not blank or spaces only), on one line."""
    if not value.strip():
        raise ValidationError("A name cannot be blank or spaces only.", code="blank_name")
    validate_text(value)


def validate_race_time(value):
    """A time as parse_time accepts it: hundredths, between FASTEST and SLOWEST seconds."""
    if value is not None and not (FASTEST <= value <= SLOWEST):
        raise ValidationError(
            "A time is between %(fastest)s seconds and %(slowest)s minutes.",
            code="time_range",
            params={"fastest": FASTEST, "slowest": SLOWEST // 60},
        )


def validate_splits(value):
    """Passing times: a list of times as text ("17.85"), each later than the one before."""
    if not isinstance(value, list):
        raise ValidationError("Passing times are a list of times.", code="splits")
    previous = None
    for number, text in enumerate(value, start=1):
        if not isinstance(text, str):
            raise ValidationError(
                "Passing time %(number)s is missing or not a time: %(value)r.",
                code="split_time",
                params={"number": number, "value": text},
            )
        try:
            time = parse_time(text)
        except TimeFormatError as error:
            raise ValidationError(f"Passing time {number}: {error}", code="split_time")
        if previous is not None and time <= previous:
            raise ValidationError(
                "Passing time %(number)s (%(value)s) must be later than the one before it.",
                code="split_order",
                params={"number": number, "value": text},
            )
        previous = time


def distance_order_problem(orders):
    """Why these distance orders are not 1..n without gaps or repeats, or None when they are."""
    orders = list(orders)
    repeated = sorted(order for order, times in Counter(orders).items() if times > 1)
    if repeated:
        return f"Distance order {', '.join(map(str, repeated))} is repeated (each order once, 1..n)."
    if any(order < 1 for order in orders):
        return "Distance orders start at 1."
    # Each order once and none below 1: an order above n means one of 1..n is missing.
    count = len(orders)
    missing = sorted(set(range(1, count + 1)) - set(orders))
    if missing:
        beyond = sorted(order for order in orders if order > count)
        return (
            f"Distance order {', '.join(map(str, missing))} is missing: {count} distances are "
            f"numbered 1..{count} without gaps, not {', '.join(map(str, beyond))}."
        )
    return None


def validate_distance_orders(orders):
    if problem := distance_order_problem(orders):
        raise ValidationError(problem, code="distance_orders")
