"""TV mode (/<slug>/tv/): large type, no controls, the classification and the distance on the ice
in turn, live through the same fragments as the other pages."""

import pytest

from championships.models import Result
from tests.support.seed import SEED_SLUG as SLUG

PAGE = f"/{SLUG}/"

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", [f"/{SLUG}/tv/", f"/{SLUG}/?tv=1"])
def test_tv_page(wk_sprint_after_3, client, url):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="tv"' in html and 'data-tv-rotate="15000"' in html
    assert f'hx-ws:connect="/ws/{SLUG}/?lang=nl"' in html
    assert 'data-current-distance="4"' in html  # the final 1000 m is next
    assert '<section id="classification"' in html
    for order in (1, 2, 3, 4):
        assert f'<section id="distance-{order}" hx-swap-oob="true"' in html
    # No controls: no language switch, no navigation.
    assert 'class="language"' not in html and '<nav class="championship"' not in html
    assert "111,315" in html


def test_current_distance_follows_the_championship(wk_sprint, client):
    assert 'data-current-distance="4"' in client.get(PAGE).content.decode()  # all skated: the last one
    Result.objects.filter(distance__order__gte=3).delete()
    assert 'data-current-distance="3"' in client.get(PAGE).content.decode()  # the next one
    Result.objects.filter(distance__order=2, skater__name="Femke Kok").delete()
    assert 'data-current-distance="2"' in client.get(PAGE).content.decode()  # the one under way
    Result.objects.all().delete()
    assert 'data-current-distance="1"' in client.get(PAGE).content.decode()  # nothing skated yet
