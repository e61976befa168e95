"""django-axes' hooks: the address a login comes from, and what a locked-out login is told."""

from django.conf import settings
from django.http import HttpResponse


def client_address(request):
    """The client's address: the one the proxy saw (the last of X-Forwarded-For, which nginx
    appends to) when BEHIND_PROXY is on, else the connection's. Addresses earlier in the header
    are the client's own claims and never trusted."""
    if settings.BEHIND_PROXY:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
        if forwarded:
            return forwarded
    return request.META.get("REMOTE_ADDR")


def locked_out(request, original_response=None, credentials=None):
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return HttpResponse(
        f"Too many failed logins for this username from this address: try again in {minutes} minutes.",
        status=429,
        content_type="text/plain; charset=utf-8",
    )
