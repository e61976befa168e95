"""Officials see each device's token by name and last use, and revoke it; never the token itself
(`manage.py timing_token` prints a new one once)."""

from django.contrib import admin, messages

from .models import TimingToken


@admin.register(TimingToken)
class TimingTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "championship", "created", "last_used", "revoked"]
    list_filter = ["championship", "revoked"]
    fields = ["name", "championship", "created", "last_used", "revoked"]
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # made by `manage.py timing_token`, which shows the token once

    @admin.action(description="Revoke the chosen tokens", permissions=["change"])
    def revoke(self, request, queryset):
        revoked = list(queryset.active())
        for token in revoked:
            token.revoke()
            self.log_change(request, token, [{"changed": {"fields": ["revoked"]}}])
        names = ", ".join(token.name for token in revoked) or "none (already revoked)"
        self.message_user(request, f"Revoked: {names}.", messages.SUCCESS)
