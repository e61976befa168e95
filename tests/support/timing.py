"""The timing feed as a timing system posts to it (docs/timing.md): events with a device's token."""

import json

from django.test import Client


def post_events(secret, events, slug, client=None):
    """POST `events` to the championship's feed; the answer (JSON), which must be 200."""
    answer = (client or Client()).post(
        f"/api/timing/{slug}/events",
        json.dumps({"events": list(events)}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert answer.status_code == 200, answer.content
    return answer.json()
