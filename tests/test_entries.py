"""Officials enter a championship's skaters in one go, and withdraw one from a distance onward."""

from decimal import Decimal
from html import unescape

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from championships import kinds
from championships.models import Championship, PersonalBest, Result, Skater, Start
from championships.officials import ensure_official
from tests.support.pages import text


@pytest.fixture
def sprint(db):
    championship = Championship(name="Test Sprint", slug="test-sprint")
    kinds.set_up(championship, kinds.PROGRAMMES["sprint"])
    return championship


def entries_url(championship):
    return reverse("admin:championships_championship_entries", args=[championship.pk])


def paste(client, championship, lines):
    return client.post(entries_url(championship), {"lines": lines})


def problems(response):
    """The lines the page reports, as shown."""
    page = response.content.decode()
    start = page.index('id="entry-problems"')
    return [unescape(text(item)) for item in page[start : page.index("</ul>", start)].split("<li>")[1:]]


def bests(championship):
    return {
        (best.skater.name, best.meters): best.time
        for best in PersonalBest.objects.for_championship(championship).select_related("skater")
    }


def test_a_good_paste_enters_every_skater_with_their_personal_bests(official_client, sprint):
    response = paste(
        official_client,
        sprint,
        "Femke Kok, NED, 500=37.07, 1000=1:13.32\n\nJutta Leerdam;NED;500=37,30;1000=1.13,07\r\nMiho Takagi,JPN\n",
    )
    assert response.status_code == 302
    assert sorted(sprint.skaters.values_list("name", "country")) == [
        ("Femke Kok", "NED"),
        ("Jutta Leerdam", "NED"),
        ("Miho Takagi", "JPN"),
    ]
    assert bests(sprint) == {
        ("Femke Kok", 500): Decimal("37.07"),
        ("Femke Kok", 1000): Decimal("73.32"),
        ("Jutta Leerdam", 500): Decimal("37.30"),
        ("Jutta Leerdam", 1000): Decimal("73.07"),
    }
    page = text(official_client.get(response["Location"]).content.decode())
    assert "3 skaters entered: Femke Kok, Jutta Leerdam, Miho Takagi." in page
    assert "Entered: 3 skaters" in page
    assert "Femke Kok NED 500 m 37.07, 1000 m 1:13.32" in page
    assert LogEntry.objects.filter(object_repr="Femke Kok (NED)").count() == 1


def test_a_spreadsheet_with_a_header_is_entered_by_its_columns(official_client, sprint):
    paste(
        official_client,
        sprint,
        "Name\tCountry\tpb_500\tPB 1000\t\nFemke Kok\tNED\t37,07\t1.13,32\t\nMiho Takagi\tJPN\t\t1:14.01\n",
    )
    assert bests(sprint) == {
        ("Femke Kok", 500): Decimal("37.07"),
        ("Femke Kok", 1000): Decimal("73.32"),
        ("Miho Takagi", 1000): Decimal("74.01"),
    }


def test_a_csv_file_is_entered_like_pasted_lines(official_client, sprint):
    upload = SimpleUploadedFile("skaters.csv", '\ufeffname,country,500\nFemke Kok,NED,"37,07"\n'.encode())
    official_client.post(entries_url(sprint), {"file": upload})
    assert bests(sprint) == {("Femke Kok", 500): Decimal("37.07")}


def test_a_paste_with_bad_lines_tells_each_by_its_number_and_saves_nothing(official_client, sprint):
    response = paste(
        official_client,
        sprint,
        "Femke Kok, NED, 500=37.07\n"
        "Jutta Leerdam, NL\n"
        "Miho Takagi, JPN, 1000=1:14.01\n"
        "Kaja Ziomek, POL, 500=3707\n"
        "femke kok, NED\n",
    )
    assert response.status_code == 200
    assert "Nothing was saved: 3 lines to correct." in text(response.content.decode())
    assert problems(response) == [
        "Line 2: country 'NL': A country is three capital letters A-Z, such as NED.",
        "Line 4: 500 m: '3707' is not a time: above 30 minutes is no real time",
        "Line 5: femke kok is on line 1 already",
    ]
    assert not Skater.objects.exists() and not PersonalBest.objects.exists()
    assert "Miho Takagi, JPN, 1000=1:14.01" in response.content.decode()  # the paste is kept to correct


@pytest.mark.parametrize(
    "lines, problem",
    [
        (", NED", "Line 1: name '': This field cannot be blank."),
        ("Femke Kok", "Line 1: give the name and the country, separated by a comma, a semicolon or a tab"),
        (
            "Femke\x07Kok, NED",
            "Line 1: name 'Femke\\x07Kok': Control characters (such as U+0007) do not belong",
        ),
        ("Femke Kok\u202e, NED", "Line 1: name 'Femke Kok\\u202e': Text direction characters (U+202E)"),
        (
            f"{'x' * 201}, NED",
            f"Line 1: name '{'x' * 40}…': Ensure this value has at most 200 characters (it has 201).",
        ),
        (
            "Femke Kok, NED, 500=37,07",
            "Line 1: '07' is not a personal best written as metres=time (500=37.07)",
        ),
        (
            "Femke Kok, NED, 400=37.07",
            "Line 1: '400' is not a distance (100, 300, 500, 700, 1000, 1500, 3000",
        ),
        ("Femke Kok, NED, 500=37.07, 500=37.50", "Line 1: two personal bests on the 500 m"),
        ("Femke Kok, NED, 500=4.10", "Line 1: 500 m: '4.10' is not a time: below 5 seconds is no real time"),
        (
            "name;land\nFemke Kok;NED",
            "Line 1: column 'land' of the header is not name, country or a distance",
        ),
        ("name;country;500\nFemke Kok;NED;37.07;38", "Line 2: the line has 4 fields, the header 3 columns"),
    ],
)
def test_every_bad_line_is_told(official_client, sprint, lines, problem):
    response = paste(official_client, sprint, lines)
    assert response.status_code == 200
    assert problems(response)[0].startswith(problem), problems(response)
    assert not Skater.objects.exists()


def test_a_skater_already_entered_is_told_not_changed(official_client, sprint):
    paste(official_client, sprint, "Femke Kok, NED, 500=37.07")
    response = paste(official_client, sprint, "Jutta Leerdam, NED\nFemke Kok, NED, 500=36.99")
    assert problems(response) == [
        "Line 2: Femke Kok is already entered in this championship "
        "(leave the line out; change the skater on their own page)"
    ]
    assert bests(sprint) == {("Femke Kok", 500): Decimal("37.07")}
    assert list(sprint.skaters.values_list("name", flat=True)) == ["Femke Kok"]


@pytest.mark.parametrize(
    "data, message",
    [
        ({"lines": ""}, "Paste the skaters' lines or choose a CSV file."),
        ({"lines": "Femke Kok, NED", "file": "upload"}, "Paste the lines or choose a file, not both."),
        (
            {"file": b"\xff\xfeF\x00"},
            "The file is not a text (CSV) file: save the spreadsheet as CSV and upload that.",
        ),
        ({"file": b"x" * 1_000_001}, "The file is too large (1,000,001 bytes) to be a list of skaters."),
        ({"lines": "Femke\x00Kok, NED"}, "Null characters are not allowed."),
        ({"file": b"Femke\x00Kok,NED"}, "The file is not a text (CSV) file"),
        ({"file": b"\n \n"}, "Line 1: there are no skaters to enter: give a line per skater"),
        ({"lines": "name,country,500\n"}, "Line 1: there are no skaters to enter: give a line per skater"),
        ({"lines": '"Femke Kok, NED'}, "Line 1: give the name and the country"),
    ],
)
def test_bad_input_is_told_never_a_500(official_client, sprint, data, message):
    if "file" in data:
        content = data["file"] if isinstance(data["file"], bytes) else b"Femke Kok,NED"
        data = {**data, "file": SimpleUploadedFile("skaters.csv", content)}
    response = official_client.post(entries_url(sprint), data)
    assert response.status_code == 200
    assert message in unescape(text(response.content.decode()))
    assert not Skater.objects.exists()


def test_a_csv_saved_by_a_windows_spreadsheet_is_read(official_client, sprint):
    content = "Jutta Leerdám;NED;500=37,30\n".encode("cp1252")  # as the start list's upload reads it
    official_client.post(entries_url(sprint), {"file": SimpleUploadedFile("skaters.csv", content)})
    assert bests(sprint) == {("Jutta Leerdám", 500): Decimal("37.30")}


def test_the_entries_page_needs_an_official(client, sprint):
    assert client.get(entries_url(sprint)).status_code == 302  # to the login


# --- withdrawing -------------------------------------------------------------------------------


@pytest.fixture
def started(sprint):
    """Two skaters in pair 1 of every distance; distance 4 official."""
    kok = Skater.objects.create(championship=sprint, name="Femke Kok", country="NED")
    takagi = Skater.objects.create(championship=sprint, name="Miho Takagi", country="JPN")
    for distance in sprint.distances.all():
        Start.objects.create(distance=distance, pair=1, lane="inner", skater=kok)
        Start.objects.create(distance=distance, pair=1, lane="outer", skater=takagi)
    Result.objects.create(distance=sprint.distances.get(order=1), skater=kok, time=Decimal("37.50"))
    sprint.distances.filter(order=4).update(official=True)
    return kok


def withdraw(client, skater, order):
    distance = skater.championship.distances.get(order=order)
    return client.post(
        reverse("admin:championships_skater_withdraw", args=[skater.pk]), {"distance": distance.pk}
    )


def starts_of(skater):
    return sorted(skater.starts.values_list("distance__order", flat=True))


def test_withdrawing_sets_wdr_and_takes_the_skater_out_of_later_start_lists(official_client, started):
    response = withdraw(official_client, started, 2)
    assert response.status_code == 302
    result = Result.objects.get(skater=started, distance__order=2)
    assert (result.status, result.time) == ("WDR", None)
    assert starts_of(started) == [1, 2, 4]  # 4 is official: untouched
    assert starts_of(Skater.objects.get(name="Miho Takagi")) == [1, 2, 3, 4]
    page = text(official_client.get(response["Location"]).content.decode())
    assert (
        "Femke Kok withdrawn from distance 2 (1000 m) onward: WDR. Taken out of the start list of distance 3 "
        "(500 m). Distance 4 (1000 m) is official: its start list was not changed."
    ) in page
    assert LogEntry.objects.filter(object_repr__startswith="Femke Kok, 2. 1000 m").count() == 1


def test_withdrawing_where_a_result_stands_is_refused_and_changes_nothing(official_client, started):
    response = withdraw(official_client, started, 1)
    assert response.status_code == 200
    assert (
        "Femke Kok already has 37.50 on distance 1 (500 m): withdraw from the distance after it, "
        "or correct that result first."
    ) in text(response.content.decode())
    assert starts_of(started) == [1, 2, 3, 4]
    assert Result.objects.get(skater=started).time == Decimal("37.50")


def test_withdrawing_from_an_official_distance_is_refused(official_client, started):
    response = withdraw(official_client, started, 4)
    assert "Distance 4 (1000 m) is official: its results and start list cannot be changed" in text(
        response.content.decode()
    )
    assert not Result.objects.filter(status="WDR").exists()


def test_the_withdraw_page_offers_the_next_distance_to_skate(official_client, started):
    page = official_client.get(
        reverse("admin:championships_skater_withdraw", args=[started.pk])
    ).content.decode()
    second = started.championship.distances.get(order=2)
    assert f'<option value="{second.pk}" selected>2. 1000 m</option>' in page
    assert "Results so far: 1. 500 m 37.50." in text(page)
    change = reverse("admin:championships_skater_change", args=[started.pk])
    assert "Withdraw</a>" in official_client.get(change).content.decode()


def test_withdrawing_from_another_championships_distance_is_told(official_client, started, wk_sprint):
    other = wk_sprint.distances.get(order=2)
    response = official_client.post(
        reverse("admin:championships_skater_withdraw", args=[started.pk]), {"distance": other.pk}
    )
    assert "Select a valid choice." in text(response.content.decode())
    assert not Result.objects.filter(status="WDR").exists()


@pytest.mark.slow
def test_an_official_sets_up_a_sprint_by_the_pages_labels(live_server, chromium, transactional_db):
    username, password = ensure_official()
    page = chromium.new_page(viewport={"width": 1366, "height": 768})
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{live_server.url}{reverse('admin:championships_championship_add')}")
    page.get_by_label("Name").fill("Test Sprint 2026")
    page.get_by_label("Kind").select_option(label="Sprint (500, 1000 | 500, 1000)")
    page.get_by_label("First day").fill("2026-02-28")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Enter skaters").click()
    page.get_by_label("Skaters, one per line").fill("Femke Kok, NED, 500=37.07\nJutta Leerdam, NL")
    page.get_by_role("button", name="Save").click()
    assert page.locator("#entry-problems li").all_inner_texts() == [
        "Line 2: country 'NL': A country is three capital letters A-Z, such as NED."
    ]
    page.get_by_label("Skaters, one per line").fill(
        "Femke Kok, NED, 500=37.07\nJutta Leerdam\tNED\t1000=1.13,07"
    )
    page.get_by_role("button", name="Save").click()
    assert page.locator(".messagelist").inner_text() == (
        "2 skaters entered: Femke Kok, Jutta Leerdam. Next: the start lists."
    )
    page.get_by_role("row", name="Femke Kok").get_by_role("link", name="withdraw…").click()
    page.get_by_label("Withdraw from distance").select_option(label="3. 500 m")
    page.get_by_role("button", name="Withdraw").click()
    championship = Championship.objects.get(slug="test-sprint-2026")
    assert [(d.order, d.meters, str(d.date)) for d in championship.distances.all()] == [
        (1, 500, "2026-02-28"),
        (2, 1000, "2026-02-28"),
        (3, 500, "2026-03-01"),
        (4, 1000, "2026-03-01"),
    ]
    assert bests(championship) == {
        ("Femke Kok", 500): Decimal("37.07"),
        ("Jutta Leerdam", 1000): Decimal("73.07"),
    }
    assert Result.objects.get(distance__order=3).status == "WDR"
