"""Reading what the server sends: pages, htmx fragments and WebSocket frames (HTML text)."""

import re
from html.parser import HTMLParser

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
    match = re.search(r'<td class="num total"[^>]*>\s*([^<]*?)\s*</td>', classification_row(html, skater))
    assert match, f"no total in the row of {skater}"
    return match.group(1)


def result_status(html, element_id):
    """ "official" or "provisional": what the element (classification, distance-N) says."""
    found = re.findall(r'class="result-status result-status-(\w+)"', section(html, element_id))
    assert len(found) == 1, f"{element_id} says {found}"
    return found[0]


class _Fields(HTMLParser):
    def __init__(self, form_id):
        super().__init__()
        self.form_id, self.inside, self.fields, self.select = form_id, form_id is None, {}, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = self.form_id is None or attrs.get("id") == self.form_id
        if not self.inside or ("name" not in attrs and tag != "option"):
            return
        if tag == "input" and attrs.get("type") not in ("submit", "checkbox"):
            self.fields[attrs["name"]] = attrs.get("value", "")
        elif tag == "input" and "checked" in attrs:
            self.fields[attrs["name"]] = "on"
        elif tag == "select":
            self.select = attrs["name"]
        elif tag == "option" and self.select and "selected" in attrs:
            self.fields[self.select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None


def form_fields(html, form_id=None):
    """The fields of the form `form_id` (else of every form) as a browser would send them back."""
    parser = _Fields(form_id)
    parser.feed(html)
    return parser.fields


def opened(client, url, form_id=None):
    """The fields of the form on the page at `url` as a browser would send them back."""
    return form_fields(client.get(url).content.decode(), form_id)


def pair_overview(page):
    """The pair entry's overview rows as the screen shows them: [pair, inner, outer, entered]."""
    rows = re.findall(r"<tr class=\"pair-[^\"]*\">(.*?)</tr>", section(page, "pairs"), re.S)
    return [[text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)] for row in rows]
