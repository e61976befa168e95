"""What the pages say around the tables: the time zone of "updated", the favicon, the champion and
the podium, and the two groups during a distance with the time to lead written out."""

import re

import pytest

from championships.models import Distance, Result, Start
from tests.support.pages import text

pytestmark = pytest.mark.django_db


def page(client, championship, language="en", path=""):
    return client.get(f"/{championship.slug}/{path}", HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_updated_says_its_time_zone(client, wk_sprint_after_3):
    # Europe/Amsterdam in December: CET.
    assert re.search(r"updated \d\d:\d\d:\d\d CET?T?", text(page(client, wk_sprint_after_3)))


def test_the_favicon_is_linked_and_favicon_ico_finds_it(client, wk_sprint_after_3):
    assert '<link rel="icon" href="/static/favicon.svg"' in page(client, wk_sprint_after_3)
    response = client.get("/favicon.ico")
    assert (response.status_code, response["Location"]) == (301, "/static/favicon.svg")


def test_the_champion_and_the_podium_once_every_distance_is_skated(client, wk_sprint):
    shown = text(page(client, wk_sprint))
    # One marker says it is not yet official: the podium's (not the heading's too, nor in words).
    assert "Classification after the 1000 m (distance 4 of 4) Final classification provisional" in shown
    assert shown.count("provisional") == 1 and "not yet official" not in shown
    podium = shown.split("Final classification provisional", 1)[1][:200]
    assert podium.split(" Classification")[0].split() == [
        "Champion",
        "Miho",
        "Takagi",
        "JPN",
        "147.545",
        "points",
        "2",
        "Femke",
        "Kok",
        "NED",
        "148.100",
        "points",
        "3",
        "Jutta",
        "Leerdam",
        "NED",
        "148.265",
        "points",
    ]
    Distance.objects.filter(championship=wk_sprint).update(official=True)
    official = text(page(client, wk_sprint, "nl"))
    assert "Eindklassement official" not in official
    assert "Eindklassement officieel Kampioen Miho Takagi JPN 147,545 punten" in official
    Result.objects.filter(distance__order=4, skater__name="Femke Kok").delete()  # the last distance under way
    assert "Final classification" not in text(page(client, wk_sprint))


def test_during_a_distance_the_skated_and_the_still_to_skate_are_told_apart(client, wk_sprint):
    # The final 1000 m after two pairs: Smeding, Tian, Kim and Grevelt (DQ) have skated it.
    later = Start.objects.filter(distance__championship=wk_sprint, distance__order=4, pair__gt=2)
    Result.objects.filter(distance__order=4, skater__in=later.values("skater")).delete()
    shown = text(page(client, wk_sprint))
    skated, waiting = shown.split("Still to skate the 1000 m: their places after the 500 m")
    assert "Skated the 1000 m: places among those who have skated it" in skated
    # No arrow compares a place among the few who skated with the places before.
    assert "▲" not in skated and "▼" not in skated
    assert "1 Tian Ruining CHN 151.040" in skated
    assert "(1) Miho Takagi JPN needs 1:20.11 to lead · 1:21.62 for the podium" in waiting
    dutch = text(page(client, wk_sprint, "nl"))
    assert "(1) Miho Takagi JPN heeft 1.20,11 nodig voor de leiding · 1.21,62 voor het podium" in dutch
