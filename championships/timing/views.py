"""`POST /api/timing/<slug>/events`: the timing feed's one door (docs/timing.md).

Checked in this order: 404 unknown championship, 401 no or unknown token, 403 a token of another
championship or a revoked one, 429 too many requests from the token, 415 not JSON, 413 a body
over 1 MiB, 400 bad events (nothing applied), 409 the results kept changing under the batch
(nothing applied; send it again). Every answer is JSON.
"""

import json

from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from ..models import Championship
from . import feed
from .models import TimingToken

MAX_BODY = 1_048_576
# Per token: at most this many requests in a window that starts with the first of them. A timing
# system sends a few a second at most; a runaway loop is cut off before it floods the site.
REQUESTS_PER_WINDOW = 100
WINDOW_SECONDS = 10


def refusal(status, message, field=None, **headers):
    response = JsonResponse({"errors": [{"index": None, "field": field, "message": message}]}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def bearer(request):
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" and secret.strip() else None


def over_rate(token):
    key = f"sprintboard:timing-requests:{token.pk}"
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        return cache.incr(key) > REQUESTS_PER_WINDOW
    except ValueError:  # the window ended between add and incr: this request opens the next
        cache.add(key, 1, WINDOW_SECONDS)
        return False


@csrf_exempt
def events(request, slug):
    if request.method != "POST":
        return refusal(405, "Send the events with POST.", Allow="POST")
    championship = Championship.objects.filter(slug=slug).first()
    if championship is None:
        return refusal(404, f"There is no championship {slug!r}.")
    secret = bearer(request)
    token = TimingToken.objects.for_secret(secret) if secret else None
    if token is None:
        return refusal(
            401, "Send a timing token: `Authorization: Bearer <token>`.", WWW_Authenticate="Bearer"
        )
    if token.championship_id != championship.pk:
        return refusal(403, f"This token is not for {championship}.")
    if token.revoked:
        return refusal(403, f"The token {token.name!r} was revoked.")
    TimingToken.objects.filter(pk=token.pk).update(last_used=timezone.now())
    if over_rate(token):
        return refusal(
            429,
            f"More than {REQUESTS_PER_WINDOW} requests in {WINDOW_SECONDS} s.",
            Retry_After=WINDOW_SECONDS,
        )
    if request.content_type != "application/json":
        return refusal(415, "Send the events as JSON (Content-Type: application/json).")
    try:
        too_big = int(request.headers.get("Content-Length") or 0) > MAX_BODY or len(request.body) > MAX_BODY
    except (ValueError, RequestDataTooBig):
        too_big = True
    if too_big:
        return refusal(413, f"The body is over {MAX_BODY:,} bytes: send the events in smaller batches.")
    try:
        body = json.loads(request.body)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        return refusal(400, f"The body is not valid JSON: {error}", field="events")
    if not isinstance(body, dict) or not isinstance(body.get("events"), list):
        return refusal(400, "The body must be an object with an `events` list.", field="events")
    try:
        outcome = feed.apply_batch(token, body["events"])
    except feed.BatchRefused as refused:
        return JsonResponse({"errors": [e.as_dict() for e in refused.errors]}, status=400)
    except feed.Conflict as conflict:
        return refusal(409, str(conflict))
    return JsonResponse(outcome.as_dict())
