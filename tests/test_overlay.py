"""Overlays for a video mixer's browser source (`/<slug>/overlay/`): what each option shows, bad
options refused with the reason, and in Chromium at 1920x1080 a transparent background."""

import base64
from pathlib import Path

import pytest
from django.conf import settings

from championships.championship_file import load
from championships.models import Skater
from tests.support.pages import text

SLUG = "wk-sprint-2024-women"
OVERLAY = f"/{SLUG}/overlay/"
SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"


def pk(name):
    return Skater.objects.get(championship__slug=SLUG, name=name).pk


def test_the_classification_top_3(client, wk_sprint_after_3):
    response = client.get(OVERLAY, {"show": "classification", "top": "3"})
    assert response.status_code == 200
    words = text(response.content.decode())
    assert (
        "World Sprint Championships 2024 — Women after the 500 m Classification "
        "1 Miho Takagi JPN 110.980 2 Femke Kok NED 111.315 +0.335 3 Jutta Leerdam NED 111.835 +0.855"
    ) in words
    assert "Erin Jackson" not in words
    html = response.content.decode()
    assert 'class="overlay"' in html and f'hx-ws:connect="/ws/{SLUG}/?lang=en"' in html
    assert 'class="site"' not in html  # no header, no navigation: only the box


def test_the_pair_on_the_ice_in_dutch(client, wk_sprint_after_3):
    response = client.get(OVERLAY, {"show": "pair", "lang": "nl"})
    words = text(response.content.decode())
    assert "1000 m · rit 1 De rit op het ijs binnen Ellia Smeding GBR buiten Isabel Grevelt NED" in words
    assert response["Content-Language"] == "nl"
    assert f'hx-ws:connect="/ws/{SLUG}/?lang=nl"' in response.content.decode()


def test_the_pair_with_a_time_and_the_time_to_lead(client, wk_sprint_after_3):
    from django.core.management import call_command

    call_command("enter_result", SLUG, distance=4, skater="Ellia Smeding", time="1:15.60")
    words = text(client.get(OVERLAY, {"show": "pair"}).content.decode())
    assert "inner Ellia Smeding GBR 1:15.60 (1) outer Isabel Grevelt NED lead: 1:16.40" in words


def test_a_head_to_head(client, wk_sprint_after_3):
    words = text(
        client.get(OVERLAY, {"show": "h2h", "a": pk("Miho Takagi"), "b": pk("Femke Kok")}).content.decode()
    )
    assert (
        "Miho Takagi – Femke Kok Head-to-head 500 m 37.13 37.07 1000 m 1:13.32 1:14.35 500 m 37.19 37.07 "
        "Points 110.980 111.315 Miho Takagi leads by 0.335 points · 0.67 s on the 1000 m"
    ) in words


def test_the_htmx_refresh_is_the_box_alone(client, wk_sprint_after_3):
    html = client.get(OVERLAY, {"top": "2"}, headers={"HX-Request": "true"}).content.decode()
    assert html.lstrip().startswith('<section id="overlay"')
    assert "Femke Kok" in html and "Jutta Leerdam" not in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"show": "podium"}, "show='podium': use classification, pair, h2h"),
        ({"top": "ten"}, "top='ten': give a whole number of 1 or more"),
        ({"top": "0"}, "top='0': give a whole number of 1 or more"),
        ({"lang": "de"}, "lang='de': use en or nl"),
        ({"show": "h2h", "a": "1"}, "b='': give a whole number of 1 or more"),
        ({"show": "h2h", "a": "99998", "b": "99999"}, "show=h2h needs a and b: two different skaters"),
    ],
)
def test_bad_options_are_refused_with_the_reason(client, wk_sprint_after_3, query, message):
    response = client.get(OVERLAY, query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_help_page_documents_the_options_with_previews(client, wk_sprint_after_3):
    html = client.get(f"/{SLUG}/overlay/help/").content.decode()
    assert "show=classification&amp;top=N" in html and "lang=nl" in html
    assert html.count('class="overlay-preview"') == 3
    assert f'href="{OVERLAY}?show=h2h&amp;a={pk("Miho Takagi")}&amp;b={pk("Femke Kok")}"' in html
    assert "Miho Takagi leads by 0.335 points" in text(html)


# --- in Chromium ------------------------------------------------------------------------------------


def alpha(page, png, x, y):
    """The alpha of a pixel of a screenshot, read back through a canvas (no image library here)."""
    return page.evaluate(
        """async ([data, x, y]) => {
            const image = new Image();
            image.src = "data:image/png;base64," + data;
            await image.decode();
            const canvas = new OffscreenCanvas(image.width, image.height);
            const context = canvas.getContext("2d");
            context.drawImage(image, 0, 0);
            return context.getImageData(x, y, 1, 1).data[3];
        }""",
        [base64.b64encode(png).decode(), x, y],
    )


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_every_option_renders_on_a_transparent_background_at_1920x1080(live_server, chromium, seed_data):
    load(seed_data, results_until=3)
    takagi, kok = pk("Miho Takagi"), pk("Femke Kok")
    page = chromium.new_context(viewport={"width": 1920, "height": 1080}, locale="en-US").new_page()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, query in [
        ("classification", "show=classification&top=10"),
        ("pair", "show=pair&lang=nl"),
        ("h2h", f"show=h2h&a={takagi}&b={kok}"),
    ]:
        page.goto(f"{live_server.url}{OVERLAY}?{query}")
        page.wait_for_selector(".overlay-box")
        png = page.screenshot(omit_background=True)
        (SCREENSHOTS / f"desk-overlay-{name}.png").write_bytes(png)
        assert alpha(page, png, 1919, 1079) == 0, name  # the corner: nothing painted
        assert alpha(page, png, 5, 5) == 0, name
        box = page.locator(".overlay-box").bounding_box()
        assert alpha(page, png, int(box["x"] + 10), int(box["y"] + 10)) > 200, name  # the box itself
        assert page.evaluate("document.documentElement.scrollWidth") <= 1920
        font_size = page.evaluate(
            "parseFloat(getComputedStyle(document.querySelector('.overlay-box')).fontSize)"
        )
        assert font_size >= 30, name  # large type, readable on a broadcast picture
