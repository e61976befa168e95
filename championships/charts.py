"""Pictures of the classification, as coordinates: the SVG markup is in templates.

Two charts over the distances skated so far, drawn in a fixed `viewBox` and scaled by the browser:

- `gap_chart`: points behind the leader after each distance for the top 5 (the leader on the top
  line at 0, larger gaps lower down);
- `bump_chart`: the place after each distance for the top 10 (1 on top).

Only complete distances are drawn: a distance under way gives places among those who have skated
it, which would mislead. Each line carries a marker shape, a dash pattern and a label with the
skater's name at its end, so that the lines are told apart without colour. Everything here is a
function of a `Standings` (its scoring inputs, already read); nothing queries the database.
"""

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

WIDTH, HEIGHT = 640, 290
# The plot area; the right margin holds the name labels, the left one the axis values.
LEFT, RIGHT, TOP, BOTTOM = 56, 356, 16, 252
LABEL_X = RIGHT + 14
# The least vertical distance between two labels' baselines: a label's box and air at the largest
# label size, 20.5 px (on a phone, where the chart is drawn at 0.54 of its size: 11 CSS px).
LABEL_SPACING = 25
LABEL_LENGTH = 22  # longer names are shortened to the first name's initial ("A. Rijpma-de Jong"), then cut
MARKER_SIZE = 5
TEXT_DROP = 4  # a text's baseline below the middle of its line (15 px type)

GAP_TOP = 5
BUMP_TOP = 10

MARKERS = ("circle", "square", "triangle", "diamond", "cross")
DASHES = ("", "9 4", "2 4")  # solid, dashed, dotted (SVG stroke-dasharray)
# At least 3:1 against white (WCAG non-text contrast); the Okabe-Ito hues that pass, darkened.
COLOURS = ("#0072b2", "#c24f00", "#007a5a", "#b3478f", "#111111", "#6a3d9a", "#8a4b00")


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    value: object  # the gap in points (Decimal) or the place (int)
    distance: object  # the `Distance`
    marker: str  # SVG path data of the marker at this point


@dataclass(frozen=True)
class Series:
    skater: object  # the `Skater`
    points: tuple[Point, ...]
    segments: tuple[str, ...]  # SVG polyline `points`, broken where a value is missing
    colour: str
    dash: str
    shape: str
    label_x: float
    label_y: float
    label_marker: str  # the marker again, beside the label, as a key

    @property
    def name(self):
        """The skater's name as the label writes it."""
        name = self.skater.name
        first, _, rest = name.partition(" ")
        if len(name) > LABEL_LENGTH and rest:
            name = f"{first[0]}. {rest}"
        return name if len(name) <= LABEL_LENGTH else f"{name[: LABEL_LENGTH - 1]}…"

    @property
    def last(self):
        return self.points[-1]

    @property
    def label_moved(self):
        """The label is not level with the line's end: a thin line joins them."""
        return abs(self.label_y - self.last.y) > 0.5

    @property
    def markers(self):
        """The markers at the points, and the label's unless a line joins them (drawn over the
        point's marker and under the label's). Each a path of its own: drawn as one path, their
        edges come out a shade different."""
        return [p.marker for p in self.points] + ([] if self.label_moved else [self.label_marker])

    @property
    def to_label(self):
        """The line from the last point to the label: x1, y1, x2, y2."""
        return tuple(_number(v) for v in (self.last.x, self.last.y, self.label_x, self.label_y))

    @property
    def label_baseline(self):
        return _number(self.label_y + TEXT_DROP)


@dataclass(frozen=True)
class Tick:
    position: float
    value: object

    @property
    def at(self):
        return _number(self.position)

    @property
    def baseline(self):
        """Of a text level with the tick (its middle at the tick)."""
        return _number(self.position + TEXT_DROP)


@dataclass(frozen=True)
class Chart:
    kind: str  # "gap" or "bump"
    distances: tuple  # the distances drawn, in order
    x_ticks: tuple[Tick, ...]  # value: the `Distance`
    y_ticks: tuple[Tick, ...]  # value: points behind (Decimal) or place (int)
    series: tuple[Series, ...]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = RIGHT
    top: int = TOP
    bottom: int = BOTTOM
    label_x: int = LABEL_X

    def __bool__(self):
        return bool(self.series)

    # Where the axes' texts go.
    @property
    def y_label_x(self):
        return self.left - 8

    @property
    def x_label_y(self):
        return self.bottom + 24

    @property
    def label_text_x(self):
        return self.label_x + 2 * MARKER_SIZE + 6


def charted_distances(standings):
    """The complete distances up to the standings' own: a distance under way is left out."""
    upto = standings.after or 0
    if upto and standings.in_progress:
        upto -= 1
    return tuple(standings.distances[:upto])


def classifications(standings, distances):
    """The classification after each of `distances`, by order."""
    return {d.order: standings.classification_after(d.order) for d in distances}


def gap_chart(standings, top=GAP_TOP):
    """Points behind the leader after each complete distance, for the top `top` after the last."""
    distances = charted_distances(standings)
    if len(distances) < 2:
        return _empty("gap", distances)
    after = classifications(standings, distances)

    def gaps(classification):
        rows = [r for r in classification.rows if r.classified and r.status is None and r.rank]
        return {r.skater: r.behind_leader or Decimal("0.000") for r in rows}

    by_distance = {order: gaps(c) for order, c in after.items()}
    chosen = list(by_distance[distances[-1].order])[:top]
    largest = max((g for values in by_distance.values() for s, g in values.items() if s in chosen), default=0)
    step = _nice_step(Decimal(largest))
    ceiling = max(step, (Decimal(largest) / step).to_integral_value(rounding=ROUND_CEILING) * step)

    def y(value):
        return TOP + float(Decimal(value) / ceiling) * (BOTTOM - TOP)

    y_ticks = tuple(Tick(_round(y(v)), v) for v in _steps(step, ceiling))
    return _chart("gap", standings, distances, chosen, by_distance, y, y_ticks)


def bump_chart(standings, top=BUMP_TOP):
    """The place after each complete distance, for the top `top` after the last."""
    distances = charted_distances(standings)
    if len(distances) < 2:
        return _empty("bump", distances)
    after = classifications(standings, distances)
    by_distance = {
        order: {r.skater: r.rank for r in c.rows if r.rank is not None} for order, c in after.items()
    }
    chosen = list(by_distance[distances[-1].order])[:top]
    lowest = max((p for places in by_distance.values() for s, p in places.items() if s in chosen), default=1)
    lowest = max(lowest, 2)

    def y(place):
        return TOP + (place - 1) / (lowest - 1) * (BOTTOM - TOP)

    every = 1 if lowest <= 16 else 5
    places = sorted({1, *range(every, lowest + 1, every)})
    y_ticks = tuple(Tick(_round(y(p)), p) for p in places)
    return _chart("bump", standings, distances, chosen, by_distance, y, y_ticks)


def _chart(kind, standings, distances, chosen, by_distance, y, y_ticks):
    xs = {d.order: _round(LEFT + i * (RIGHT - LEFT) / (len(distances) - 1)) for i, d in enumerate(distances)}
    series = []
    for index, skater_id in enumerate(chosen):
        shape, dash, colour = _style(index)
        points, segments, current = [], [], []
        for d in distances:
            value = by_distance[d.order].get(skater_id)
            if value is None:
                if current:
                    segments.append(current)
                current = []
                continue
            px, py = xs[d.order], _round(y(value))
            point = Point(x=px, y=py, value=value, distance=d, marker=marker_path(shape, px, py))
            points.append(point)
            current.append(point)
        if current:
            segments.append(current)
        series.append(
            {
                "skater": standings.skaters[skater_id],
                "points": tuple(points),
                "segments": tuple(" ".join(f"{p.x:g},{p.y:g}" for p in segment) for segment in segments),
                "colour": colour,
                "dash": dash,
                "shape": shape,
            }
        )
    label_ys = spread([s["points"][-1].y for s in series], LABEL_SPACING, TOP, BOTTOM + 20)
    return Chart(
        kind=kind,
        distances=distances,
        x_ticks=tuple(Tick(xs[d.order], d) for d in distances),
        y_ticks=y_ticks,
        series=tuple(
            Series(
                **s,
                label_x=LABEL_X,
                label_y=label_y,
                label_marker=marker_path(s["shape"], LABEL_X + MARKER_SIZE, label_y),
            )
            for s, label_y in zip(series, label_ys)
        ),
    )


def _empty(kind, distances):
    return Chart(kind=kind, distances=distances, x_ticks=(), y_ticks=(), series=())


def _style(index):
    """(marker shape, dash pattern, colour) of the index-th line: no two of the first 15 alike."""
    return (
        MARKERS[index % len(MARKERS)],
        DASHES[(index // len(MARKERS)) % len(DASHES)],
        COLOURS[index % len(COLOURS)],
    )


def spread(ys, spacing, low, high):
    """Label positions near `ys` (in their order of appearance) at least `spacing` apart.

    Labels keep the order of their lines; where they would overlap they are pushed apart, down
    first, then up again where they would leave the [low, high] band.
    """
    order = sorted(range(len(ys)), key=lambda i: (ys[i], i))
    placed = []
    for i in order:
        y = ys[i] if not placed else max(ys[i], placed[-1] + spacing)
        placed.append(y)
    # Too low at the end: shift up from the bottom, keeping the spacing.
    limit = high
    for k in range(len(placed) - 1, -1, -1):
        placed[k] = min(placed[k], limit)
        limit = placed[k] - spacing
    result = [0.0] * len(ys)
    for i, y in zip(order, placed):
        result[i] = _round(max(y, low))
    return result


def marker_path(shape, x, y, size=MARKER_SIZE):
    """SVG path data of a marker centred on (x, y)."""
    r = size

    def at(dx, dy):
        return f"{_round(x + dx):g},{_round(y + dy):g}"

    if shape == "circle":
        return f"M{at(-r, 0)}a{r:g},{r:g} 0 1,0 {2 * r:g},0a{r:g},{r:g} 0 1,0{-2 * r:g},0z"
    if shape == "square":
        s = _round(r * 0.9)
        return f"M{at(-s, -s)}h{2 * s:g}v{2 * s:g}h{-2 * s:g}z"
    # (Points after a moveto are lines to them.)
    if shape == "triangle":
        return f"M{at(0, -r * 1.15)} {at(r * 1.1, r * 0.8)} {at(-r * 1.1, r * 0.8)}z"
    if shape == "diamond":
        d = r * 1.2
        return f"M{at(0, -d)} {at(d, 0)} {at(0, d)} {at(-d, 0)}z"
    # cross: two strokes, drawn with the line's stroke and no fill
    return f"M{at(-r, -r)} {at(r, r)}M{at(-r, r)} {at(r, -r)}"


def _nice_step(largest):
    """A round tick step giving at most 5 intervals up to `largest` (points)."""
    for step in ("0.05", "0.1", "0.2", "0.25", "0.5", "1", "2", "2.5", "5", "10", "20", "25", "50", "100"):
        step = Decimal(step)
        if largest <= step * 5:
            return step
    return Decimal("100") * (int(largest / 500) + 1)


def _steps(step, ceiling):
    value, values = Decimal("0"), []
    while value <= ceiling:
        values.append(value)
        value += step
    return values


def _round(value):
    return round(float(value), 1)


def _number(value):
    """A coordinate as SVG writes it: no trailing zeros ("16", "63.2")."""
    return f"{_round(value):g}"
