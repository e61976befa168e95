"""Pages every reader can use: a content security policy, table headers, labelled controls, print
styles, and names that neither widen a page nor turn its text around."""

import re

import pytest
from django.conf import settings

from championships.models import Skater
from tests.support.seed import SEED_SLUG as SLUG

PAGE = f"/{SLUG}/"
PAGES = ["/", PAGE, f"{PAGE}?after=2", f"/{SLUG}/distances/3/", f"/{SLUG}/tv/", f"/{SLUG}/h2h/?a=1&b=2"]

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", PAGES)
def test_pages_respect_the_content_security_policy(wk_sprint_after_3, client, url):
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert " style=" not in html and "<style" not in html
    assert all("nonce=" in tag for tag in re.findall(r"<script[^>]*>", html))


def test_tables_have_row_and_column_headers(wk_sprint_after_3, client):
    html = client.get(PAGE).content.decode()
    assert len(re.findall(r'<th scope="row" class="skater" id="c\d+-name">', html)) == 10
    assert '<caption class="sr">' in html
    distance = client.get(f"/{SLUG}/distances/3/").content.decode()
    assert distance.count('<th scope="row" class="skater">') == 10


def test_head_to_head_picker_is_labelled(wk_sprint_after_3, client):
    html = client.get(f"/{SLUG}/h2h/").content.decode()
    assert '<label for="pick-a">' in html and 'id="pick-a"' in html
    assert '<label for="pick-b">' in html and 'id="pick-b"' in html
    assert '<button type="submit">Compare</button>' in html


def test_print_styles_exist():
    css = (settings.BASE_DIR / "static" / "sprintboard.css").read_text()
    assert "@media print" in css and "position: sticky" in css and "body.tv" in css


# --- names: isolated, and never wider than their place ------------------------------------------

RLO, PDF = "\u202e", "\u202c"  # right-to-left override, and its end


@pytest.fixture
def reversed_name(wk_sprint_after_3):
    """Femke Kok renamed with a right-to-left override that is never closed."""
    name = f"{RLO}Femke Kok"
    Skater.objects.filter(name="Femke Kok").update(name=name)
    return name


def isolated_names(html):
    return re.findall(r'<bdi class="name">([^<]*)</bdi>', html)


def test_every_name_in_a_table_is_isolated(reversed_name, client, wk_sprint_after_3):
    takagi, kok = (wk_sprint_after_3.skaters.get(name=n).pk for n in ("Miho Takagi", reversed_name))
    for url, at_least in [
        (PAGE, 10),  # the classification
        (f"/{SLUG}/distances/3/", 10 + 10 + 1),  # results, start list, "Kok by 0.12"
        (f"/{SLUG}/tv/", 10 + 4 * 10),
        (f"/{SLUG}/h2h/?a={takagi}&b={kok}", 2),
    ]:
        html = client.get(url).content.decode()
        names = isolated_names(html)
        assert len(names) >= at_least, url
        assert reversed_name in names, url
        # Nowhere outside an isolate: the override never reaches the rest of the row.
        outside = re.sub(r'<bdi class="name">[^<]*</bdi>', "", html)
        outside = re.sub("\u2068[^\u2069]*\u2069", "", outside)  # <option>, SVG: FSI ... PDI
        assert RLO not in outside, url


def test_the_skater_picker_and_the_chart_labels_isolate_names(reversed_name, client):
    html = client.get(f"/{SLUG}/h2h/").content.decode()
    assert f">\u2068{reversed_name}\u2069 (NED)</option>" in html
    page = client.get(PAGE).content.decode()
    assert f"\u2068{reversed_name}\u2069 +0.335</text>" in page


def test_names_are_cut_with_an_ellipsis_by_the_stylesheet():
    css = (settings.BASE_DIR / "static" / "sprintboard.css").read_text()
    rule = re.search(r"\.name \{([^}]*)\}", css).group(1)
    assert "text-overflow: ellipsis" in rule and "overflow: hidden" in rule and "max-width" in rule
    assert "unicode-bidi: isolate" in rule
