"""Failed logins are counted per address; after too many, logging in waits a while."""

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.cache import cache
from django.dispatch import receiver
from django.http import HttpResponse
from django.urls import reverse

FAILURES_ALLOWED = 5
WINDOW_SECONDS = 15 * 60


def _key(request):
    return f"sprintboard:login-failures:{request.META.get('REMOTE_ADDR', '')}"


@receiver(user_login_failed)
def count_failure(sender, credentials, request=None, **kwargs):
    if request is not None:
        cache.add(_key(request), 0, WINDOW_SECONDS)
        cache.incr(_key(request))


@receiver(user_logged_in)
def forget_failures(sender, request, user, **kwargs):
    if request is not None:
        cache.delete(_key(request))


class LoginThrottleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method == "POST"
            and request.path == reverse("admin:login")
            and cache.get(_key(request), 0) >= FAILURES_ALLOWED
        ):
            return HttpResponse(
                "Too many failed logins from this address: try again in 15 minutes.",
                status=429,
                content_type="text/plain; charset=utf-8",
            )
        return self.get_response(request)
