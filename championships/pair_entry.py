"""The officials' pair entry (docs/officials.md, "Entering times"): both times of a pair on one
screen, Save, and on to the next pair still to enter; the distance's pairs, done and missing,
beside it; a result cleared from it. DistanceAdmin serves it (admin.py)."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse

from . import history, results
from .admin_pages import distance_title, page_context
from .display import result_text
from .forms import FeedLane, PairEntryForm, lane_name
from .models import Distance, Result
from .timing.models import Race

DONE, PARTLY, MISSING = "done", "partly", "missing"


@dataclass
class PairLine:
    """A pair of the distance in the overview: its starts with their results, inner first."""

    number: int
    lanes: list  # [(Start, Result or None)]
    # Results the timing feed wrote that no official has confirmed (or corrected) yet: a look is due.
    from_feed: int = 0

    @property
    def state(self):
        entered = sum(result is not None for _, result in self.lanes)
        return DONE if entered == len(self.lanes) else PARTLY if entered else MISSING

    @property
    def shown(self):
        if self.from_feed:
            return "feed, to confirm" if self.state == DONE else "partly · feed, to confirm"
        return {DONE: "✓ done", PARTLY: "partly", MISSING: "missing"}[self.state]

    def entries(self):
        """[(start, result as written or "")] for the overview's cells."""
        return [(start, result_text(r.time, r.status) if r else "") for start, r in self.lanes]


def pairs_of(distance):
    """The distance's pairs in order, each with what is entered of it."""
    starts = distance.starts.select_related("skater").order_by("pair", "lane")
    done = {r.skater_id: r for r in Result.objects.for_distance(distance)}
    from_feed = {
        race.skater_id
        for race in Race.objects.filter(distance=distance, written__isnull=False)
        if FeedLane(race, done.get(race.skater_id)).taken
    }
    pairs = {}
    for start in starts:
        pairs.setdefault(start.pair, []).append((start, done.get(start.skater_id)))
    return [
        PairLine(number, lanes, sum(start.skater_id in from_feed for start, _ in lanes))
        for number, lanes in pairs.items()
    ]


def pairs_words(numbers):
    """ "pair 4", "pairs 1, 2 and 4"."""
    words = [str(n) for n in numbers]
    if len(words) == 1:
        return f"pair {words[0]}"
    return f"pairs {', '.join(words[:-1])} and {words[-1]}"


def after_saving(distance, pairs, number):
    """Where the entry goes once pair `number` is saved, and what it says there (or None): the
    next pair still to enter after it, else the first still to enter before it."""
    missing = [p.number for p in pairs if p.state != DONE]
    later = [n for n in missing if n > number]
    if later:
        return later[0], None
    name = f"distance {distance.order} ({distance.meters} m)"
    if not missing:
        return number, f"Every pair of {name} is entered."
    if number == pairs[-1].number:
        return missing[0], f"That was the last pair of {name}; still to enter: {pairs_words(missing)}."
    return (
        missing[0],
        f"The pairs after pair {number} of {name} are entered; still to enter: {pairs_words(missing)}.",
    )


def pair_entry_view(model_admin, request, distance_id, pair=None):
    """Type both times of a pair, save, land on the next pair still to enter."""
    if not (
        request.user.has_perm("championships.add_result")
        and request.user.has_perm("championships.change_result")
    ):
        raise PermissionDenied
    distance = get_object_or_404(Distance.objects.select_related("championship"), pk=distance_id)
    pairs = pairs_of(distance)
    if not pairs:
        messages.warning(request, f"Distance {distance} has no start list yet: add its pairs first.")
        return redirect("admin:championships_distance_change", distance.pk)
    if pair is None:
        first = next((p.number for p in pairs if p.state != DONE), pairs[-1].number)
        return redirect("admin:championships_distance_pair", distance.pk, first)
    line = next((p for p in pairs if p.number == pair), None)
    if line is None:
        messages.error(request, f"Distance {distance} has no pair {pair}.")
        return redirect("admin:championships_distance_current_pair", distance.pk)
    starts = [start for start, _ in line.lanes]
    may_clear = request.user.has_perm("championships.delete_result")
    if request.method == "POST" and "clear" in request.POST:
        if not may_clear:
            raise PermissionDenied
        clear(request, distance, starts)
        return redirect("admin:championships_distance_pair", distance.pk, pair)
    form = PairEntryForm(request.POST or None, distance=distance, starts=starts)
    if request.method == "POST" and form.is_valid() and (saved := form.save(user=request.user)) is not None:
        for lane in saved:
            messages.success(request, lane.message())
        going, said = after_saving(distance, pairs_of(distance), pair)
        if said:
            messages.info(request, said)
        return redirect("admin:championships_distance_pair", distance.pk, going)
    numbers = [p.number for p in pairs]
    asked_to_clear = clearing(request, form) if may_clear else None
    if not asked_to_clear:
        form.fields[form.first_to_look_at()].widget.attrs["autofocus"] = True
    context = page_context(
        model_admin,
        request,
        distance_title(distance, f"pair {pair}"),
        distance=distance,
        pair=pair,
        pairs=pairs,
        form=form,
        problems=form.problems(),
        clearing=asked_to_clear,
        may_clear=may_clear and not distance.official,
        previous_pair=max((n for n in numbers if n < pair), default=None),
        next_pair=min((n for n in numbers if n > pair), default=None),
    )
    return TemplateResponse(request, "admin/championships/pair_entry.html", context)


def clearing(request, form):
    """The lane whose result the official asked to clear (`?clear=inner`), to confirm: or None."""
    lane = request.GET.get("clear")
    return next((each for each in form.lanes() if each.start.lane == lane and each.result), None)


def clear(request, distance, starts):
    """Remove a lane's result, once confirmed (the clearing box's button); say what was removed."""
    start = next((s for s in starts if s.lane == request.POST["clear"]), None)
    if start is None:
        messages.error(request, "There is no such lane in this pair.")
        return
    current = Result.objects.for_distance(distance).filter(skater=start.skater).first()
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = results.UNCHANGED_CHECK_OFF
    try:
        with history.door("pair entry"):
            removed = results.clear_result(distance, start.skater, expected=version, user=request.user)
    except results.StaleResult as stale:
        messages.error(request, f"{stale} Look at it, then clear it again if it must go.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if removed:
            messages.success(
                request,
                f"{start.skater.name} ({lane_name(start).lower()}): "
                f"{result_text(current.time, current.status)} cleared, no result now.",
            )
        else:
            messages.info(request, f"{start.skater.name} had no result to clear.")
