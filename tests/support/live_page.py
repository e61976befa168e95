"""A page's live regions as the browser holds them, with the server's frames applied to them the
way htmx applies them (every target found before any swap, then the swaps in order): tests read
what a page shows after a frame without a browser."""

import re

from championships.live import diff

SWAP = re.compile(r'^<([a-zA-Z][a-zA-Z0-9]*)((?:\s[^>]*?)?) hx-swap-oob="([^"]*)"')
BETWEEN_TAGS = re.compile(r">\s+<")
PRESERVED = re.compile(r'<([a-z]+) id="([^"]+)" hx-preserve></\1>')
WHITE = re.compile(r"\s+")


def applied(page, frame):
    """The HTML of `page` (its live regions) once `frame` is applied."""
    nodes = {}

    def index(node):
        for child in node.children:
            nodes.setdefault(child.id, child)
            index(child)

    index(diff.keyed(page))
    edits = []
    for part in fragments(frame):
        _, _, swap = SWAP.match(part).groups()
        style, _, selectors = swap.partition(":")
        if style == "none":
            continue
        if not selectors:
            selectors = "#" + diff.keyed(part).children[0].id
        content = part[part.index(">") + 1 : part.rindex("<")]
        # An element of the page moved into its placeholder (the page before the frame: nothing
        # else of the frame touches it).
        content = PRESERVED.sub(lambda m: page[nodes[m.group(2)].start : nodes[m.group(2)].end], content)
        for selector in selectors.split(","):
            assert selector.startswith("#"), f"a target the test double cannot find: {selector}"
            target = nodes.get(selector[1:])
            if target is None:
                continue  # nothing of that id on the page: htmx swaps nothing
            inner_end = (
                page.rindex("<", target.inner, target.end) if target.inner < target.end else target.end
            )
            if style in ("true", "outerHTML"):
                element = (
                    part
                    if part.startswith("<section") or 'id="updated"' in part[:40]
                    else part.replace(f' hx-swap-oob="{swap}"', "", 1)
                )
                edits.append((target.start, target.end, element))
            elif style == "innerHTML":
                edits.append((target.inner, inner_end, content))
            elif style == "afterend":
                edits.append((target.end, target.end, content))
            elif style == "beforebegin":
                edits.append((target.start, target.start, content))
            elif style == "afterbegin":
                edits.append((target.inner, target.inner, content))
            elif style == "beforeend":
                edits.append((inner_end, inner_end, content))
            elif style == "delete":
                edits.append((target.start, target.end, ""))
            else:
                raise AssertionError(f"a swap htmx has no test double for: {swap}")
    for start, end, element in sorted(edits, key=lambda edit: (edit[0], edit[1]), reverse=True):
        page = page[:start] + element + page[end:]
    return page


def fragments(frame):
    """The frame's elements, those inside its table wrapper included."""
    out = []
    for element in _elements(frame):
        if element.startswith(diff.ROWS_WRAPPER):
            out += _elements(element[len(diff.ROWS_WRAPPER) : -len("</table>")])
        else:
            out.append(element)
    return out


def _elements(html):
    """The top elements of `html`."""
    out, depth, start = [], 0, 0
    for match in diff.TAG.finditer(html):
        closing, tag, attributes = match.groups()
        if tag is None:
            continue
        if closing:
            depth -= 1
            if not depth:
                out.append(html[start : match.end()])
        elif tag.lower() in diff.VOID or attributes.endswith("/"):
            if not depth:
                out.append(match.group(0))
        else:
            if not depth:
                start = match.start()
            depth += 1
    return out


def same_page(a, b):
    """Equal as a browser shows them: white space between tags aside."""
    return BETWEEN_TAGS.sub("><", a.strip()) == BETWEEN_TAGS.sub("><", b.strip())


def same_text(a, b):
    """Equal as a browser lays them out: every run of white space one space (no region has
    preformatted text). Stricter than `same_page`: a space between two words or inline elements
    counts."""
    return WHITE.sub(" ", a).strip() == WHITE.sub(" ", b).strip()
