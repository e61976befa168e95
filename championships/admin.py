from django import forms
from django.contrib import admin, messages
from django.contrib.admin import actions
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from . import results
from .display import result_text
from .draw import DrawError, propose_start_list
from .forms import PairEntryForm, RaceTimeField, ResultChangeForm, StartForm, StartFormSet
from .models import Championship, Distance, PersonalBest, Record, Result, Skater, Start, Venue
from .times import format_time
from .validators import distance_order_problem, validate_race_time


class HistoryChanges(HistoricalRecordContextHelper):
    """A change's values as officials write them: race times as "1:13.57", nothing as "–"."""

    def prepare_delta_change_value(self, change, value):
        if value is None or value == "":
            return "–"
        if validate_race_time in self.model._meta.get_field(change.field).validators:
            return format_time(value)
        return super().prepare_delta_change_value(change, value)


class HistoryAdmin(SimpleHistoryAdmin):
    """The History button lists every change: who, when, through which door, from what to what.
    Read only: going back to an older version is a new change through the usual form (results.py's
    checks, the official lock), never a revert from the history (settings.SIMPLE_HISTORY_REVERT_DISABLED)."""

    object_history_template = "admin/championships/object_history.html"  # readable on a phone

    def get_historical_record_context_helper(self, request, historical_record):
        return HistoryChanges(self.model, historical_record)

    def history_view(self, request, object_id, extra_context=None):
        if not self._is_id(object_id):
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        if not (self._is_id(object_id) and version_id.isdigit()):
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _is_id(self, object_id):
        """simple-history looks an id up as given: one that is none (a mistyped URL) is a 500 there."""
        try:
            self.opts.pk.to_python(unquote(object_id))
        except ValidationError:
            return False
        return True


@admin.display(description="Times")
def enter_times(distance):
    """The way in to the pair entry, from the championship's distances and the distance list."""
    if not distance.pk:
        return ""
    return format_html(
        '<a href="{}">enter times</a>',
        reverse("admin:championships_distance_current_pair", args=[distance.pk]),
    )


class DistanceFormSet(forms.BaseInlineFormSet):
    """A championship's distances as one edit: the orders that stay run 1..n."""

    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [
            form.cleaned_data["order"]
            for form in self.forms
            if "order" in form.cleaned_data and not self._should_delete_form(form)
        ]
        if problem := distance_order_problem(kept):
            raise ValidationError(problem, code="distance_orders")


class DistanceInline(admin.TabularInline):
    model = Distance
    formset = DistanceFormSet
    extra = 0
    fields = ["order", "meters", "date", enter_times]
    readonly_fields = [enter_times]


class DistanceForm(forms.ModelForm):
    """A distance on its own: its championship's orders still run 1..n after the change."""

    def clean(self):
        cleaned = super().clean()
        championship = cleaned.get(
            "championship", self.instance.championship_id and self.instance.championship
        )
        order = cleaned.get("order", self.instance.order)
        if championship is None or order is None:
            return cleaned
        others = Distance.objects.filter(championship=championship).exclude(pk=self.instance.pk)
        if problem := distance_order_problem([*others.values_list("order", flat=True), order]):
            self.add_error("order" if "order" in self.fields else None, problem)
        if self.instance.pk and self.instance.championship_id != championship.pk:
            left = Distance.objects.filter(championship_id=self.instance.championship_id).exclude(
                pk=self.instance.pk
            )
            if problem := distance_order_problem(left.values_list("order", flat=True)):
                self.add_error(
                    "championship", f"{self.instance.championship} would be left with a gap: {problem}"
                )
        return cleaned


class RecordInline(admin.TabularInline):
    model = Record
    extra = 0


@admin.register(Championship)
class ChampionshipAdmin(HistoryAdmin):
    list_display = ["name", "kind", "venue", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [DistanceInline, RecordInline]
    view_on_site = True


@admin.register(Venue)
class VenueAdmin(HistoryAdmin):
    list_display = ["name", "city", "country"]


class StartInline(admin.TabularInline):
    model = Start
    formset = StartFormSet
    extra = 0
    autocomplete_fields = ["skater"]


@admin.register(Distance)
class DistanceAdmin(HistoryAdmin):
    form = DistanceForm
    list_display = ["__str__", "championship", "date", "official", enter_times]
    list_filter = ["championship", "official"]
    # Editable in the list by those who may change distances; officials use the actions below.
    list_editable = ["official"]
    inlines = [StartInline]
    actions = ["propose_start_list", "mark_official", "mark_provisional"]

    @admin.action(description="Mark the results official", permissions=["mark_official"])
    def mark_official(self, request, queryset):
        self._set_official(request, queryset, True)

    @admin.action(description="Mark the results provisional again", permissions=["mark_official"])
    def mark_provisional(self, request, queryset):
        self._set_official(request, queryset, False)

    def has_mark_official_permission(self, request):
        # Whoever may correct results may declare them official (the Officials group).
        return request.user.has_perm("championships.change_result")

    def _set_official(self, request, queryset, official):
        """Set `official` on the chosen distances and push the change to every open page."""
        with transaction.atomic():
            changed = list(queryset.exclude(official=official).select_related("championship"))
            for distance in changed:
                distance.official = official
                distance.save(update_fields=["official"])  # saved, not updated: it goes live
                self.log_change(request, distance, [{"changed": {"fields": ["official"]}}])
        word = "official" if official else "provisional"
        if changed:
            names = ", ".join(f"{d.championship}: {d}" for d in changed)
            self.message_user(request, f"Marked {word}: {names}.", messages.SUCCESS)
        else:
            self.message_user(request, f"The chosen distances were already {word}.", messages.INFO)

    def get_deleted_objects(self, objs, request):
        """Deleting distances must leave each championship's orders 1..n: only the last ones go."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        going = {d.pk for d in objs}
        for championship_id in {d.championship_id for d in objs}:
            left = Distance.objects.filter(championship_id=championship_id).exclude(pk__in=going)
            if problem := distance_order_problem(left.values_list("order", flat=True)):
                championship = Championship.objects.get(pk=championship_id)
                protected = [*protected, f"{championship}: {problem} Delete the last distance first."]
        return deleted, counts, perms_needed, protected

    @admin.action(description="Propose the start list from the classification", permissions=["draw"])
    def propose_start_list(self, request, queryset):
        for distance in queryset.select_related("championship"):
            try:
                with transaction.atomic():
                    results.lock_distance(distance)
                    starts = propose_start_list(distance)
            except DrawError as error:
                self.message_user(request, str(error), messages.ERROR)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(
                    request,
                    f"{distance}: {len(starts)} skaters drawn in pairs. Check and edit before the start.",
                    messages.SUCCESS,
                )

    def has_draw_permission(self, request):
        return request.user.has_perm("championships.add_start")

    def get_urls(self):
        entry = self.admin_site.admin_view(self.pair_entry_view)
        return [
            path("<int:distance_id>/pairs/", entry, name="championships_distance_current_pair"),
            path("<int:distance_id>/pairs/<int:pair>/", entry, name="championships_distance_pair"),
            *super().get_urls(),
        ]

    def pair_entry_view(self, request, distance_id, pair=None):
        """Type both times of a pair, save, land on the next pair."""
        if not (
            request.user.has_perm("championships.add_result")
            and request.user.has_perm("championships.change_result")
        ):
            raise PermissionDenied
        distance = get_object_or_404(Distance.objects.select_related("championship"), pk=distance_id)
        starts = list(distance.starts.select_related("skater").order_by("pair", "lane"))
        pair_numbers = sorted({s.pair for s in starts})
        if not pair_numbers:
            messages.warning(request, f"Distance {distance} has no start list yet: add its pairs first.")
            return redirect("admin:championships_distance_change", distance.pk)
        if pair is None:
            done = set(Result.objects.for_distance(distance).values_list("skater_id", flat=True))
            pair = next(
                (n for n in pair_numbers if any(s.skater_id not in done for s in starts if s.pair == n)),
                pair_numbers[-1],
            )
            return redirect("admin:championships_distance_pair", distance.pk, pair)
        if pair not in pair_numbers:
            messages.error(request, f"Distance {distance} has no pair {pair}.")
            return redirect("admin:championships_distance_current_pair", distance.pk)
        pair_starts = [s for s in starts if s.pair == pair]
        form = PairEntryForm(request.POST or None, distance=distance, starts=pair_starts)
        if (
            request.method == "POST"
            and form.is_valid()
            and (saved := form.save(user=request.user)) is not None
        ):
            for result, changed in saved:
                shown = result_text(result.time, result.status)
                messages.success(request, f"{result.skater.name}: {shown}{'' if changed else ' (unchanged)'}")
            later = [n for n in pair_numbers if n > pair]
            if later:
                return redirect("admin:championships_distance_pair", distance.pk, later[0])
            messages.info(request, self._pairs_to_enter(distance, starts))
            return redirect("admin:championships_distance_pair", distance.pk, pair)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"{distance.championship}: {distance.meters} m (distance {distance.order}), pair {pair}",
            "distance": distance,
            "pair": pair,
            "pair_numbers": pair_numbers,
            "form": form,
            "previous_pair": max((n for n in pair_numbers if n < pair), default=None),
            "next_pair": min((n for n in pair_numbers if n > pair), default=None),
        }
        return TemplateResponse(request, "admin/championships/pair_entry.html", context)

    @staticmethod
    def _pairs_to_enter(distance, starts):
        """After the last pair: whether every pair is in, else which are still to enter."""
        done = set(Result.objects.for_distance(distance).values_list("skater_id", flat=True))
        missing = [str(n) for n in sorted({s.pair for s in starts if s.skater_id not in done})]
        name = f"distance {distance.order} ({distance.meters} m)"
        if not missing:
            return f"That was the last pair: every pair of {name} is entered."
        if len(missing) == 1:
            return f"That was the last pair of {name}; still to enter: pair {missing[0]}."
        return f"That was the last pair of {name}; still to enter: pairs {', '.join(missing[:-1])} and {missing[-1]}."


class PersonalBestForm(forms.ModelForm):
    time = RaceTimeField()

    class Meta:
        model = PersonalBest
        fields = ["meters", "time"]


class PersonalBestInline(admin.TabularInline):
    model = PersonalBest
    form = PersonalBestForm
    extra = 0


@admin.register(Skater)
class SkaterAdmin(HistoryAdmin):
    list_display = ["name", "country", "championship"]
    list_filter = ["championship"]
    search_fields = ["name"]
    inlines = [PersonalBestInline]


class RefusedOnOfficialDistance:
    """Deleting, alone or by the list's action, is refused with a message on an official distance
    (delete_model and delete_queryset raise results.lock_distance's ValidationError)."""

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", object_id)

    @admin.action(permissions=["delete"], description=gettext_lazy("Delete selected %(verbose_name_plural)s"))
    def delete_selected(self, request, queryset):
        try:
            with transaction.atomic():
                return actions.delete_selected(self, request, queryset)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return None  # back to the list


@admin.register(Start)
class StartAdmin(RefusedOnOfficialDistance, HistoryAdmin):
    form = StartForm
    list_display = ["distance", "pair", "lane", "skater"]
    list_filter = ["distance__championship", "distance"]
    autocomplete_fields = ["skater"]
    actions = ["delete_selected"]

    def delete_model(self, request, obj):
        results.lock_distance(obj.distance)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for distance in Distance.objects.filter(starts__in=queryset).distinct():
            results.lock_distance(distance)
        super().delete_queryset(request, queryset)


@admin.register(Result)
class ResultAdmin(RefusedOnOfficialDistance, HistoryAdmin):
    """Every save and delete goes through results.py, which also writes the history."""

    form = ResultChangeForm
    list_display = ["skater", "distance", "shown_time", "status", "championship"]
    list_filter = ["distance__championship", "distance", "status"]
    search_fields = ["skater__name"]
    autocomplete_fields = ["skater"]
    list_select_related = ["skater", "distance__championship"]
    actions = ["delete_selected"]

    def get_readonly_fields(self, request, obj=None):
        # A result is the skater's on the distance: to move it, delete it and add the other.
        return ["distance", "skater"] if obj else []

    def save_model(self, request, obj, form, change):
        result, _ = results.save_result(form.distance, form.skater, user=request.user, **form.entry())
        obj.pk, obj.version = result.pk, result.version

    def delete_model(self, request, obj):
        results.clear_result(obj.distance, obj.skater, user=request.user)

    def delete_queryset(self, request, queryset):
        for result in queryset.select_related("distance", "skater"):
            results.clear_result(result.distance, result.skater, user=request.user)

    def log_addition(self, request, obj, message):
        """Written by results.save_result."""

    def log_change(self, request, obj, message):
        """Written by results.save_result."""

    def log_deletions(self, request, queryset):
        """Written by results.clear_result."""

    @admin.display(description="time", ordering="time")
    def shown_time(self, result):
        return format_time(result.time) if result.time is not None else ""

    @admin.display(description="championship")
    def championship(self, result):
        return result.distance.championship


@admin.register(Record)
class RecordAdmin(HistoryAdmin):
    list_display = ["championship", "kind", "meters", "time", "holder", "country"]


from .timing import admin as timing_admin  # noqa: E402, F401 (the timing feed's tokens)
