"""What a broadcaster's overlay (`/<slug>/overlay/`) shows, read from its query: `show`
(classification, pair or h2h), `top`, `a` and `b`, `lang`. A bad option is refused with a reason,
never guessed at: a mixer's browser source should not show something else than was asked for."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings

from .head_to_head import HeadToHead

SHOWS = ("classification", "pair", "h2h")
OPTIONS = {"classification": ("top",), "pair": (), "h2h": ("a", "b")}  # the numbers each show takes
DEFAULT_TOP = 10


class OverlayError(ValueError):
    """An overlay option that cannot be shown, with the reason."""


def _number(value, name):
    if not (value.isascii() and value.isdigit()) or int(value) < 1:
        raise OverlayError(f"{name}={value!r}: give a whole number of 1 or more")
    return int(value)


@dataclass(frozen=True)
class Overlay:
    standings: object
    show: str
    language: str
    top: int = DEFAULT_TOP
    h2h: HeadToHead | None = None

    @classmethod
    def from_query(cls, query, standings):
        show = query.get("show", "classification")
        if show not in SHOWS:
            raise OverlayError(f"show={show!r}: use {', '.join(SHOWS)}")
        languages = [code for code, _ in settings.LANGUAGES]
        language = query.get("lang", settings.LANGUAGE_CODE)
        if language not in languages:
            raise OverlayError(f"lang={language!r}: use {' or '.join(languages)}")
        top = _number(query.get("top", str(DEFAULT_TOP)), "top")
        h2h = None
        if show == "h2h":
            a, b = (standings.skaters.get(_number(query.get(key, ""), key)) for key in ("a", "b"))
            if a is None or b is None or a == b:
                raise OverlayError("show=h2h needs a and b: two different skaters of this championship")
            h2h = HeadToHead(standings, a, b)
        return cls(standings=standings, show=show, language=language, top=top, h2h=h2h)

    @property
    def panel(self):
        """The connect parameters that name it as a panel of the live feed (live/panels.py): its
        show as `overlay` (`show` names the page's live regions there), and the numbers it takes."""
        numbers = {"top": self.top, **({"a": self.h2h.a.pk, "b": self.h2h.b.pk} if self.h2h else {})}
        return urlencode(
            [
                ("panel", "overlay"),
                ("overlay", self.show),
                *((name, numbers[name]) for name in OPTIONS[self.show]),
            ]
        )

    @property
    def rows(self):
        """The classification's top `top` (classified skaters only)."""
        return [row for row in self.standings.rows if row.rank is not None][: self.top]

    @property
    def sheet(self):
        """The distance on the ice (or next): its current pair is the one the overlay shows."""
        distance = self.standings.current_distance
        return self.standings.sheet(distance.order) if distance else None

    @property
    def pair_rows(self):
        """(lane, skater, result, classification row) of the pair on the ice."""
        pair = self.sheet.current_pair if self.sheet else None
        if pair is None:
            return []
        by_skater = {row.skater.pk: row for row in self.standings.rows}
        return [
            (lane, skater, result, by_skater[skater.pk])
            for lane, (skater, result) in zip(("inner", "outer"), pair.lanes)
            if skater is not None
        ]
