"""A page's live regions as the browser holds them, with the server's frames applied to them the
way htmx applies them (every target found before any swap, then the swaps in order): tests read
what a page shows after a frame without a browser."""

import re

from championships.live import diff

SWAP = re.compile(r'^<([a-zA-Z][a-zA-Z0-9]*)((?:\s[^>]*?)?) hx-swap-oob="([^"]*)"')
BETWEEN_TAGS = re.compile(r">\s+<")


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
        style, _, target = swap.partition(":#")
        target = nodes.get(target or diff.keyed(part).children[0].id)
        if target is None or style == "none":
            continue  # nothing of that id on the page: htmx swaps nothing
        content = part[part.index(">") + 1 : part.rindex("<")]
        if style in ("true", "outerHTML"):
            element = (
                part
                if part.startswith("<section") or 'id="updated"' in part[:40]
                else part.replace(f' hx-swap-oob="{swap}"', "", 1)
            )
            edits.append((target.start, target.end, element))
        elif style == "afterend":
            edits.append((target.end, target.end, content))
        elif style == "afterbegin":
            at = page.index(">", target.start) + 1
            edits.append((at, at, content))
        elif style == "beforeend":
            at = page.rindex("<", target.start, target.end)
            edits.append((at, at, content))
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
    for node in diff.keyed(frame).children:
        element = frame[node.start : node.end]
        if element.startswith(diff.ROWS_WRAPPER):
            inner = element[len(diff.ROWS_WRAPPER) : -len("</table>")]
            out += [inner[child.start : child.end] for child in diff.keyed(inner).children]
        else:
            out.append(element)
    return out


def same_page(a, b):
    """Equal as a browser shows them: white space between tags aside."""
    return BETWEEN_TAGS.sub("><", a.strip()) == BETWEEN_TAGS.sub("><", b.strip())
