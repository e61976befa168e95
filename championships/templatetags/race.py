"""`{% pair_on_ice standings as pair %}`: the race panel's pair (championships/timing/on_ice.py)."""

from django import template

from ..timing.on_ice import pair_on_ice as read_pair_on_ice

register = template.Library()


@register.simple_tag
def pair_on_ice(standings):
    return read_pair_on_ice(standings)
