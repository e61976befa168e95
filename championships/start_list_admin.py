"""The admin pages of a distance's start list: paste or upload it, or have it proposed by the rule
or drawn at random, see the proposal and save it on confirmation."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse

from . import draw
from .admin_pages import distance_title, page_context
from .models import Distance
from .start_lists import (
    MAX_UPLOAD_BYTES,
    StartListProblems,
    as_lines,
    current_pairs,
    read_start_list,
    refuse_replacing,
    save_start_list,
    withdrawn,
)
from .uploads import uploaded_text

PASTE_HELP = (
    "One line per pair: pair number, inner skater, outer skater, separated by commas, tabs or "
    "semicolons (pasted from a spreadsheet). Leave a lane empty for a skater alone: “7, Kok,”. "
    "Names as you write them: “Femke Kok”, “kok”, “F. Kok”."
)


class StartListForm(forms.Form):
    lines = forms.CharField(
        label="Start list lines",
        required=False,
        max_length=100_000,
        help_text=PASTE_HELP,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 60, "spellcheck": "false"}),
    )
    upload = forms.FileField(label="Or upload a CSV file", required=False)

    def text(self):
        """The start list's text, from the upload if there is one; raises StartListProblems."""
        upload = self.cleaned_data.get("upload")
        if not upload:
            return self.cleaned_data["lines"]
        try:
            return uploaded_text(upload, MAX_UPLOAD_BYTES, "a start list")
        except ValidationError as error:
            raise StartListProblems(error.messages)


class SeedForm(forms.Form):
    seed = forms.IntegerField(
        label="Seed",
        required=False,
        min_value=0,
        max_value=draw.MAX_SEED,
        help_text="Leave empty for a random seed; give the seed of an earlier draw to redo it.",
    )


def _distance(request, distance_id, change=False):
    needed = ["championships.view_start"]
    if change:
        needed += ["championships.add_start", "championships.delete_start"]
    if not request.user.has_perms(needed):
        raise PermissionDenied
    return get_object_or_404(Distance.objects.select_related("championship"), pk=distance_id)


def _refusal(distance):
    """Why the distance's start list cannot be replaced now, or None."""
    try:
        refuse_replacing(distance)
    except ValidationError as error:
        return " ".join(error.messages)
    return None


def _context(model_admin, request, distance, title, **extra):
    return page_context(
        model_admin,
        request,
        distance_title(distance, title),
        distance=distance,
        refusal=_refusal(distance),
        **extra,
    )


def start_list_view(model_admin, request, distance_id):
    """The start list as it stands, and the ways to replace it: paste, propose, draw."""
    distance = _distance(request, distance_id, change=request.method == "POST")
    form = StartListForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            pairs = read_start_list(form.text(), distance)
            save_start_list(distance, pairs)
        except StartListProblems as error:
            problems = error.problems
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            return _saved(model_admin, request, distance, pairs, "pasted")
    context = _context(
        model_admin,
        request,
        distance,
        "start list",
        pairs=current_pairs(distance),
        form=form,
        problems=problems,
        seed_form=SeedForm(),
    )
    return TemplateResponse(request, "admin/championships/start_list.html", context)


def proposal_view(model_admin, request, distance_id, how):
    """A proposal (`how`: "rule" or "draw") shown with its pairs; saved when the official
    confirms the very pairs shown (if results changed meanwhile, the new proposal is shown)."""
    distance = _distance(request, distance_id, change=True)
    back = redirect("admin:championships_distance_start_list", distance.pk)
    if refusal := _refusal(distance):
        messages.error(request, refusal)
        return back
    data = request.POST if request.method == "POST" else request.GET
    seed_form = SeedForm(data)
    try:
        if how == "rule":
            proposal = draw.propose_start_list(distance)
        elif not seed_form.is_valid():
            messages.error(request, "Seed: " + " ".join(seed_form.errors["seed"]))
            return back
        else:
            seed = seed_form.cleaned_data["seed"]
            proposal = draw.random_draw(distance, draw.new_seed() if seed is None else seed)
    except draw.DrawError as error:
        messages.error(request, str(error))
        return back
    shown = as_lines(proposal.pairs)
    if request.method == "POST":
        if request.POST.get("proposal", "").replace("\r\n", "\n") == shown:
            try:
                save_start_list(distance, proposal.pairs, seed=proposal.seed)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return back
            return _saved(
                model_admin, request, distance, proposal.pairs, "proposed" if how == "rule" else "drawn"
            )
        messages.warning(
            request, "The proposal changed since it was shown (results changed): check it again."
        )
    lanes_before = proposal.lanes_before or {}
    rows = [
        (
            pair.number,
            [
                (
                    skater,
                    (proposal.places or {}).get(skater.pk) if skater else None,
                    lanes_before.get(skater.pk) if skater else None,
                )
                for _, skater in pair.lanes
            ],
        )
        for pair in proposal.pairs
    ]
    context = _context(
        model_admin,
        request,
        distance,
        "proposed start list" if how == "rule" else "random draw",
        proposal=proposal,
        rows=rows,
        shown=shown,
        how=how,
        replaces=bool(distance.starts.exists()),
    )
    return TemplateResponse(request, "admin/championships/start_list_proposal.html", context)


def _saved(model_admin, request, distance, pairs, way):
    """Back to the start list page, saying what was saved and what the official should check."""
    seed = f" with seed {distance.draw_seed}" if distance.draw_seed is not None else ""
    model_admin.log_change(request, distance, f"Start list {way}{seed}: {len(pairs)} pairs.")
    listed = {skater.pk for pair in pairs for _, skater in pair.lanes if skater}
    message = f"Start list of distance {distance.order} ({distance.meters} m) saved: {len(pairs)} pairs, {len(listed)} skaters."
    out = withdrawn(distance)
    missing = [s.name for s in distance.championship.skaters.all() if s.pk not in listed and s.pk not in out]
    if missing:
        message += f" Not in it: {', '.join(missing)}."
    numbers = [pair.number for pair in pairs]
    if gaps := [str(n) for n in range(1, max(numbers, default=0) + 1) if n not in numbers]:
        message += f" No pair {', '.join(gaps)}."
    messages.success(request, message)
    return redirect("admin:championships_distance_start_list", distance.pk)
