import functools

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import actions, widgets
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy
from simple_history.admin import SimpleHistoryAdmin

from . import changes_admin, entries_admin, kinds, pair_entry, results, start_list_admin, withdrawal_admin
from .forms import RaceTimeField, ResultChangeForm, StartForm, StartFormSet
from .models import Championship, Distance, PersonalBest, Record, Result, Skater, Start, Venue
from .times import format_time
from .validators import distance_order_problem


class HistoryAdmin(SimpleHistoryAdmin):
    """The History button lists every change: who, when, through which door, from what to what.
    Read only: going back to an older version is a new change through the usual form (results.py's
    checks, the official lock), never a revert from the history (settings.SIMPLE_HISTORY_REVERT_DISABLED)."""

    object_history_template = "admin/championships/object_history.html"  # readable on a phone

    def get_historical_record_context_helper(self, request, historical_record):
        return changes_admin.HistoryChanges(self.model, historical_record)

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


@admin.display(description="Start list")
def start_list(distance):
    """The way in to the start list (paste, propose or draw), beside the way in to the times."""
    if not distance.pk:
        return ""
    return format_html(
        '<a href="{}">start list</a>',
        reverse("admin:championships_distance_start_list", args=[distance.pk]),
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
    fields = ["order", "meters", "date", start_list, enter_times]
    readonly_fields = [start_list, enter_times]


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


class NewChampionshipForm(forms.ModelForm):
    """A new championship from its kind: the distances follow (kinds.py), editable afterwards."""

    programme = forms.ChoiceField(
        label="Kind",
        choices=kinds.CHOICES,
        help_text="The distances are created in this order, a | between the days; edit them afterwards.",
    )
    first_day = forms.DateField(
        label="First day",
        required=False,
        widget=widgets.AdminDateWidget,
        help_text="The date of day 1 (2026-02-28); the distances of day 2 get the day after.",
    )

    class Meta:
        model = Championship
        fields = ["name", "slug", "venue"]


@admin.register(Championship)
class ChampionshipAdmin(HistoryAdmin):
    list_display = ["name", "kind", "venue", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [DistanceInline, RecordInline]
    view_on_site = True

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = NewChampionshipForm
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["name", "slug", "programme", "venue", "first_day"]})]
        return super().get_fieldsets(request, obj)

    def get_inlines(self, request, obj):
        return self.inlines if obj else []  # a new championship's distances come from its kind

    def add_view(self, request, form_url="", extra_context=None):
        # One Save: the distances are edited on the change page it leads to.
        extra = {"show_save_and_add_another": False, "show_save_and_continue": False}
        return super().add_view(request, form_url, {**extra, **(extra_context or {})})

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        programme = kinds.PROGRAMMES[form.cleaned_data["programme"]]
        kinds.set_up(obj, programme, form.cleaned_data["first_day"])

    def response_add(self, request, obj, post_url_continue=None):
        """To the new championship's page, saying what it got: its distances to check below, its
        skaters to enter next."""
        distances = ", ".join(
            f"{d.order}. {d.meters} m{f' ({d.date:%a %d %b})' if d.date else ''}" for d in obj.distances.all()
        )
        made = f"with distances {distances}." if distances else "without distances: add them below."
        cut = f" The best {obj.final_places} skate the last distance." if obj.final_places else ""
        self.message_user(
            request,
            format_html(
                '{} is set up {}{} Next: <a href="{}">enter the skaters</a>.',
                obj,
                made,
                cut,
                reverse("admin:championships_championship_entries", args=[obj.pk]),
            ),
            messages.SUCCESS,
        )
        return redirect("admin:championships_championship_change", obj.pk)

    def get_urls(self):
        entries = self.admin_site.admin_view(functools.partial(entries_admin.entries_view, self))
        return [
            path("<int:championship_id>/entries/", entries, name="championships_championship_entries"),
            *super().get_urls(),
        ]


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
    list_display = ["__str__", "championship", "date", "official", start_list, enter_times]
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
        """Shows the proposal of one distance (start_list_admin), saved once the official confirms."""
        if queryset.count() != 1:
            self.message_user(request, "Choose one distance to propose its start list.", messages.ERROR)
            return None
        return redirect("admin:championships_distance_propose_start_list", queryset.get().pk)

    def has_draw_permission(self, request):
        return request.user.has_perm("championships.add_start")

    def get_urls(self):
        entry = self.admin_site.admin_view(functools.partial(pair_entry.pair_entry_view, self))
        start_list = self.admin_site.admin_view(functools.partial(start_list_admin.start_list_view, self))
        proposal = self.admin_site.admin_view(functools.partial(start_list_admin.proposal_view, self))
        changes = self.admin_site.admin_view(functools.partial(changes_admin.changes_view, self))
        return [
            path("<int:distance_id>/start-list/", start_list, name="championships_distance_start_list"),
            path(
                "<int:distance_id>/start-list/propose/",
                proposal,
                {"how": "rule"},
                name="championships_distance_propose_start_list",
            ),
            path(
                "<int:distance_id>/start-list/draw/",
                proposal,
                {"how": "draw"},
                name="championships_distance_draw_start_list",
            ),
            path("<int:distance_id>/changes/", changes, name="championships_distance_changes"),
            path("<int:distance_id>/pairs/", entry, name="championships_distance_current_pair"),
            path("<int:distance_id>/pairs/<int:pair>/", entry, name="championships_distance_pair"),
            *super().get_urls(),
        ]


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

    def get_urls(self):
        withdraw = self.admin_site.admin_view(functools.partial(withdrawal_admin.withdraw_view, self))
        return [
            path("<int:skater_id>/withdraw/", withdraw, name="championships_skater_withdraw"),
            *super().get_urls(),
        ]


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
