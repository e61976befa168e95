"""The admin page that withdraws a skater from a chosen distance onward, in one action
(withdrawal.py does it). SkaterAdmin serves it (admin.py)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse

from . import withdrawal
from .admin_pages import page_context
from .models import Distance, Skater


class WithdrawalForm(forms.Form):
    distance = forms.ModelChoiceField(
        label="Withdraw from distance",
        queryset=Distance.objects.none(),
        empty_label=None,
        help_text="WDR on this distance; out of the start lists of the distances after it (not of official ones).",
    )

    def __init__(self, *args, skater, **kwargs):
        super().__init__(*args, **kwargs)
        distances = skater.championship.distances.order_by("order")
        self.fields["distance"].queryset = distances
        skated = set(skater.results.values_list("distance_id", flat=True))
        self.fields["distance"].initial = next((d.pk for d in distances if d.pk not in skated), None)


def withdraw_view(model_admin, request, skater_id):
    """WDR from a chosen distance onward, in one action."""
    if not all(
        request.user.has_perm(f"championships.{p}") for p in ("add_result", "change_result", "delete_start")
    ):
        raise PermissionDenied
    skater = get_object_or_404(Skater.objects.select_related("championship"), pk=skater_id)
    form = WithdrawalForm(request.POST or None, skater=skater)
    if request.method == "POST" and form.is_valid():
        try:
            done = withdrawal.withdraw(skater, form.cleaned_data["distance"], user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            model_admin.message_user(request, done.message(), messages.SUCCESS)
            return redirect("admin:championships_skater_change", skater.pk)
    context = page_context(
        model_admin,
        request,
        f"Withdraw {skater.name}",
        skater=skater,
        form=form,
        results=skater.results.select_related("distance").order_by("distance__order"),
    )
    return TemplateResponse(request, "admin/championships/withdraw.html", context)
