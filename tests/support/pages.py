"""Reading what the server sends: pages, htmx fragments and WebSocket frames (HTML text)."""

import re

# Invisible marks around names where no <bdi> can go (SVG text, <option>): see `isolated`.
ISOLATES = str.maketrans("", "", "\u2068\u2069")


def text(html):
    """The visible text: tags and the names' isolate marks removed, whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).translate(ISOLATES).split())


def section(html, element_id):
    """The `<section id=...>` of a page or frame (sections are not nested)."""
    match = re.search(rf'<section id="{re.escape(element_id)}"[^>]*>.*?</section>', html, re.S)
    assert match, f"no section {element_id!r} in {html[:300]!r}"
    return match.group(0)


def classification(html):
    """The classification fragment: `<section id="classification" ...>...</section>`."""
    return section(html, "classification")


def classification_row(html, skater):
    """The classification row of `skater` (a Skater, or a name)."""
    rows = re.findall(r'<tr[^>]*data-skater="(\d+)"[^>]*>(.*?)</tr>', classification(html), re.S)
    for pk, row in rows:
        if pk == str(getattr(skater, "pk", None)) or (isinstance(skater, str) and skater in text(row)):
            return row
    raise AssertionError(f"no classification row for {skater}")


def total(html, skater):
    """The points total shown in the skater's classification row."""
    match = re.search(r'<td class="num total">\s*([^<]*?)\s*</td>', classification_row(html, skater))
    assert match, f"no total in the row of {skater}"
    return match.group(1)


def result_status(html, element_id):
    """ "official" or "provisional": what the element (classification, distance-N) says."""
    found = re.findall(r'class="result-status result-status-(\w+)"', section(html, element_id))
    assert len(found) == 1, f"{element_id} says {found}"
    return found[0]
