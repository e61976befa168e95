"""The admin page that enters a championship's skaters in one go: paste the lines or upload a CSV
file (entries.py reads them). ChampionshipAdmin serves it (admin.py)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from . import entries
from .admin_pages import page_context
from .models import Championship
from .uploads import uploaded_text


class EntriesForm(forms.Form):
    lines = forms.CharField(
        label="Skaters, one per line",
        required=False,
        max_length=100_000,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14, "cols": 80, "spellcheck": "false"}),
    )
    file = forms.FileField(label="Or a CSV file", required=False)

    # Enough for a hundred skaters with every personal best; a bigger file is not a list of entries.
    LARGEST_FILE = 1_000_000

    def clean(self):
        cleaned = super().clean()
        upload, lines = cleaned.get("file"), cleaned.get("lines", "")
        if upload and lines.strip():
            raise ValidationError("Paste the lines or choose a file, not both.", code="both")
        if upload:
            cleaned["lines"] = uploaded_text(upload, self.LARGEST_FILE, "a list of skaters")
        elif not lines.strip():
            raise ValidationError("Paste the skaters' lines or choose a CSV file.", code="empty")
        return cleaned


def entries_view(model_admin, request, championship_id):
    """Paste or upload the skaters; every bad line is told and nothing saved until all are right."""
    if not (
        request.user.has_perm("championships.add_skater")
        and request.user.has_perm("championships.add_personalbest")
    ):
        raise PermissionDenied
    championship = get_object_or_404(Championship, pk=championship_id)
    form = EntriesForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            skaters = entries.enter_skaters(championship, form.cleaned_data["lines"])
        except entries.EntryProblems as error:
            problems = error.problems
        else:
            for skater in skaters:
                model_admin.log_addition(request, skater, [{"added": {}}])
            count = f"{len(skaters)} skater{'' if len(skaters) == 1 else 's'}"
            distances = reverse("admin:championships_distance_changelist")
            model_admin.message_user(
                request,
                format_html(
                    '{} entered: {}. Next: <a href="{}?championship__id__exact={}">the start lists</a>.',
                    count,
                    ", ".join(s.name for s in skaters),
                    distances,
                    championship.pk,
                ),
                messages.SUCCESS,
            )
            return redirect("admin:championships_championship_entries", championship.pk)
    context = page_context(
        model_admin,
        request,
        f"{championship}: enter skaters",
        championship=championship,
        form=form,
        problems=problems,
        skaters=championship.skaters.prefetch_related("personal_bests"),
        distances=championship.distances.order_by("order"),
    )
    return TemplateResponse(request, "admin/championships/entries.html", context)
