"""What-if: the classification as it would be with a time nobody skated, through
`standings.json?what_if=` and the what-if panel of the standings page. Nothing is ever saved.

The seed's question (the final 1000 m of the World Sprint 2024, women): with Takagi's 1:13.13,
Kok on 1:12.45 leads (147.540 against 147.545) and on 1:12.46 ties (147.545).
"""

import re

import pytest
from django.core.management import call_command

from championships.models import Championship, Result, Skater

SLUG = "wk-sprint-2024-women"
FEED = f"/{SLUG}/standings.json"


@pytest.fixture
def takagi_skated(wk_sprint_after_3):
    """The seed after three distances, and Takagi's 1:13.13 on the final 1000 m."""
    call_command("enter_result", SLUG, distance=4, skater="Miho Takagi", time="1:13.13")
    return Championship.objects.get(slug=SLUG)


def skater(name):
    return Skater.objects.get(championship__slug=SLUG, name=name).pk


def what_if(client, *values):
    return client.get(FEED, [("what_if", value) for value in values])


def table(answer):
    return [(row["rank"], row["skater"]["name"], row["points"]) for row in answer["rows"]]


def test_kok_on_1_12_45_leads_the_final_classification(client, takagi_skated):
    revision = takagi_skated.revision
    response = what_if(client, f"{skater('Femke Kok')}:4:1:12.45")
    assert response.status_code == 200
    answer = response.json()
    assert answer["what_if"] is True
    assert answer["revision"] == revision
    assert answer["after_distance"] == 4
    assert table(answer)[:2] == [(1, "Femke Kok", "147.540"), (2, "Miho Takagi", "147.545")]
    kok = answer["rows"][0]
    assert kok["distances"][3] == {
        "order": 4,
        "time": "1:12.45",
        "points": "36.225",
        "rank": 1,
        "status": None,
        "badges": ["TR"],
    }
    assert answer["rows"][1]["behind_leader"] == "0.005"
    # Nothing saved: the real answer has no time for Kok, and the revision is the same.
    assert not Result.objects.filter(skater__name="Femke Kok", distance__order=4).exists()
    real = client.get(FEED).json()
    assert "what_if" not in real
    assert real["revision"] == revision
    assert table(real)[0] == (1, "Miho Takagi", "147.545")


def test_kok_on_1_12_46_ties_with_takagi(client, takagi_skated):
    answer = what_if(client, f"{skater('Femke Kok')}:4:1:12.46").json()
    assert table(answer)[:2] == [(1, "Miho Takagi", "147.545"), (1, "Femke Kok", "147.545")]


def test_several_what_ifs_and_a_status(client, takagi_skated):
    kok, leerdam = skater("Femke Kok"), skater("Jutta Leerdam")
    answer = what_if(client, f"{kok}:4:DQ", f"{leerdam}:4:1:12.86").json()
    assert table(answer)[:2] == [(1, "Miho Takagi", "147.545"), (2, "Jutta Leerdam", "148.265")]
    kok_row = next(row for row in answer["rows"] if row["skater"]["name"] == "Femke Kok")
    assert (kok_row["rank"], kok_row["status"], kok_row["distances"][3]["status"]) == (None, "NC", "DQ")


def test_a_what_if_replaces_a_saved_result_what_if_the_dq_is_overturned(client, wk_sprint):
    grevelt = skater("Isabel Grevelt")
    real = client.get(FEED).json()
    assert next(r for r in real["rows"] if r["skater"]["id"] == grevelt)["status"] == "NC"
    answer = what_if(client, f"{grevelt}:4:1:15.28").json()
    row = next(r for r in answer["rows"] if r["skater"]["id"] == grevelt)
    assert (row["rank"], row["points"], row["distances"][3]["time"]) == (8, "151.230", "1:15.28")


def test_after_distance_defaults_to_the_latest_a_what_if_names(client, wk_sprint):
    kok = skater("Femke Kok")
    answer = what_if(client, f"{kok}:1:36.50").json()
    assert answer["after_distance"] == 1
    assert table(answer)[0] == (1, "Femke Kok", "36.500")
    assert what_if(client, f"{kok}:1:36.50").json()["rows"][0]["distances"][0]["badges"] == ["TR"]
    after_2 = client.get(FEED, {"what_if": f"{kok}:1:36.50", "after": "2"}).json()
    assert after_2["after_distance"] == 2


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("999:4:1:12.45", "this championship has no skater '999'"),
        ("{kok}:9:1:12.45", "this championship has no distance '9'"),
        ("{kok}:0:1:12.45", "this championship has no distance '0'"),
        ("{kok}:4:1:12.455", "times are in hundredths, give at most two decimals"),
        ("{kok}:4:-72.45", "a time cannot be negative"),
        ("{kok}:4:0", "a time must be more than zero"),
        ("{kok}:4:fast", "unknown status 'fast'"),
        ("{kok}:4", "write it as <skater id>:<distance order>:<time or status>"),
        ("{kok}:4:", "write it as <skater id>:<distance order>:<time or status>"),
        ("kok:4:1:12.45", "this championship has no skater 'kok'"),
    ],
)
def test_bad_what_ifs_answer_400_with_a_message(client, takagi_skated, value, message):
    response = what_if(client, value.format(kok=skater("Femke Kok")))
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_two_what_ifs_for_one_skater_and_distance_are_refused(client, takagi_skated):
    kok = skater("Femke Kok")
    response = what_if(client, f"{kok}:4:1:12.45", f"{kok}:4:1:12.46")
    assert response.status_code == 400
    assert response.json() == {"error": "two what-ifs for the same skater and distance: give one"}


def text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()
