"""Template filters writing points, seconds and times in the page's language (37.07 / 37,07)."""

from django import template
from django.utils.translation import get_language

from .. import display

register = template.Library()


def _mark():
    return "," if (get_language() or "en").startswith("nl") else "."


@register.filter
def points(value):
    return display.points_text(value, _mark()) or ""


@register.filter
def seconds(value):
    return display.seconds_text(value, _mark()) or ""


@register.filter
def racetime(value):
    return display.time_text(value, _mark()) or ""


@register.filter
def change_arrow(change):
    """Places gained since the previous distance, as text a screen reader can say too."""
    if change is None:
        return ""
    if change > 0:
        return f"▲{change}"
    if change < 0:
        return f"▼{-change}"
    return "="
