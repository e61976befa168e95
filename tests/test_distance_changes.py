"""The changes of a distance in the admin: every change of its results and start list, newest
first, with who, when, through which door and from what to what; read only."""

import re
from html import unescape

from django.contrib.auth.models import User
from django.core.management import call_command
from django.urls import reverse

from championships.models import Start
from tests.support.pages import opened, text


def changes_url(distance):
    return reverse("admin:championships_distance_changes", args=[distance.pk])


def rows(page):
    """The changes as the page shows them: [when, who, door, what, changes] per row."""
    table = re.search(r'<table id="distance-changes">.*?</table>', unescape(page), re.S).group(0)
    return [
        [text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S)
    ]


def test_the_changes_of_a_distance_newest_first(official_client, official, wk_sprint_after_3):
    distance = wk_sprint_after_3.distances.get(order=4)
    takagi = Start.objects.get(distance=distance, skater__name="Miho Takagi")
    url = reverse("admin:championships_start_change", args=[takagi.pk])
    official_client.post(url, {**opened(official_client, url, "start_form"), "pair": "6"})
    pair_4 = reverse("admin:championships_distance_pair", args=[distance.pk, 4])
    official_client.post(pair_4, {"inner": "1:14.25", "outer": "1:12.86"})
    official_client.post(pair_4, {"inner": "1:14.25", "outer": "1:12.96"})
    call_command("enter_result", wk_sprint_after_3.slug, distance=4, skater="Femke Kok", time="1:13.57")

    shown = rows(official_client.get(changes_url(distance)).content.decode())
    assert all(re.fullmatch(r"\w{3} \d{1,2} \w{3} \d\d:\d\d:\d\d", when) for when, *_ in shown)
    name = official.username
    assert [row[1:] for row in shown[:6]] == [
        ["–", "command enter_result", "Created · Result: Femke Kok", "Time: – → 1:13.57"],
        [name, "pair entry", "Changed · Result: Jutta Leerdam", "Time: 1:12.86 → 1:12.96"],
        [name, "pair entry", "Created · Result: Jutta Leerdam", "Time: – → 1:12.86"],
        [name, "pair entry", "Created · Result: Kimi Goetz", "Time: – → 1:14.25"],
        [name, "admin", "Changed · Start list: pair 6, outer lane", "Pair: 5 → 6"],
        ["–", "championship file", "Created · Start list: pair 5, outer lane", "Skater: – → Miho Takagi"],
    ]
    assert len(shown) == 4 + 1 + 10  # the ten starts loaded with the championship


def test_a_start_list_replaced_and_a_result_cleared_are_changes_too(official_client, wk_sprint_after_3):
    distance = wk_sprint_after_3.distances.get(order=4)
    start_list = reverse("admin:championships_distance_start_list", args=[distance.pk])
    official_client.post(start_list, {"lines": "1, Femke Kok, Miho Takagi"})
    shown = [row[1:] for row in rows(official_client.get(changes_url(distance)).content.decode())]
    assert shown[:4] == [
        ["official", "admin", "Created · Start list: pair 1, outer lane", "Skater: – → Miho Takagi"],
        ["official", "admin", "Created · Start list: pair 1, inner lane", "Skater: – → Femke Kok"],
        ["official", "admin", "Deleted · Start list: pair 5, outer lane", "Skater: Miho Takagi → –"],
        ["official", "admin", "Deleted · Start list: pair 5, inner lane", "Skater: Femke Kok → –"],
    ]
    assert len(shown) == 2 + 10 + 10

    call_command("enter_result", wk_sprint_after_3.slug, distance=1, skater="Femke Kok", clear=True)
    first = wk_sprint_after_3.distances.get(order=1)
    shown = rows(official_client.get(changes_url(first)).content.decode())
    assert shown[0][1:] == ["–", "command enter_result", "Deleted · Result: Femke Kok", "Time: 37.07 → –"]


def test_the_distance_page_leads_to_its_changes(official_client, wk_sprint_after_3):
    distance = wk_sprint_after_3.distances.get(order=4)
    page = official_client.get(reverse("admin:championships_distance_change", args=[distance.pk]))
    assert f'<a href="{changes_url(distance)}">Changes: results, start list</a>' in page.content.decode()


def test_the_changes_are_for_those_who_may_see_results_and_start_lists(client, wk_sprint_after_3):
    distance = wk_sprint_after_3.distances.get(order=4)
    client.force_login(User.objects.create_user("clerk", is_staff=True))
    assert client.get(changes_url(distance)).status_code == 403
    client.logout()
    assert client.get(changes_url(distance)).status_code == 302  # to the login


def test_a_distance_that_is_none_is_a_404(official_client, db):
    assert official_client.get(reverse("admin:championships_distance_changes", args=[999])).status_code == 404
