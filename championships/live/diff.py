"""Diff frames: what changed between two renders of the live regions, as `hx-swap-oob` elements.

A region (`#classification`, `#distance-4`, ...) is a tree of elements with an `id` (the keyed
elements: the region, its title, its table bodies, their rows). Between two renders, an element
whose markup around its keyed children (its "shell") is the same keeps its place, and only its
changed children are sent; otherwise it is sent whole. Rows that changed places are sent at the
place they now take: each row replaces the element that was there (`hx-swap-oob="outerHTML:#old"`,
htmx resolving every target before it swaps any). Applied in one go to the old render, the
fragments give exactly the new one (tests/test_live_diff.py).

Table parts (`tr`, `thead`, `tbody`) cannot stand alone in HTML: a frame carries them inside one
`<table id="live-rows" hx-swap-oob="none">`, which htmx drops once it has taken them out.

The HTML is the project's own templates' output: well-formed, attributes quoted, text escaped.
Inside an `<svg>` ids are not keys (a chart is sent whole: SVG parts cannot stand alone either).
"""

import bisect
import hashlib
import re

TAG = re.compile(r"<!--.*?-->|<(/?)([a-zA-Z][^\s/>]*)((?:[^>\"']+|\"[^\"]*\"|'[^']*')*)>", re.S)
SVG_END = re.compile(r"</svg\s*>", re.I)
ID = re.compile(r'\sid="([^"]*)"')
VOID = frozenset(
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"]
)
TABLE_PARTS = frozenset(("tr", "td", "th", "thead", "tbody", "tfoot"))
SPACE = re.compile(r"[ \t\r]*\n\s*")
ROWS_WRAPPER = '<table id="live-rows" hx-swap-oob="none">'


class Node:
    __slots__ = ("children", "end", "id", "start", "tag")

    def __init__(self, id, tag, start, end):
        self.id = id
        self.tag = tag
        self.start = start
        self.end = end
        self.children = []  # the nearest keyed descendants, in order


def collapse(html):
    """Runs of white space with a line break become one line break: the same page (no region
    has preformatted text), a third fewer bytes."""
    return SPACE.sub("\n", html).strip()


def keyed(html):
    """The keyed elements of `html` as a tree: a root Node (no id) holding the top ones."""
    root = Node(None, None, 0, len(html))
    stack = [(None, root)]  # (open element's tag, the Node it opened or None)
    at = 0
    while (match := TAG.search(html, at)) is not None:
        at = match.end()
        closing, tag, attributes = match.groups()
        if tag is None:
            continue  # a comment
        tag = tag.lower()
        if closing:
            for depth in range(len(stack) - 1, 0, -1):
                if stack[depth][0] == tag:
                    for _, node in stack[depth:]:
                        if node is not None:
                            node.end = at
                    del stack[depth:]
                    break
            continue
        node = None
        found = ID.search(attributes)
        if found:
            parent = next(n for _, n in reversed(stack) if n is not None)
            node = Node(found.group(1), tag, match.start(), at)
            parent.children.append(node)
        if tag in VOID or attributes.endswith("/"):
            continue
        if tag == "svg":  # a picture: no keys inside (its end tag closes it below)
            end = SVG_END.search(html, at)
            at = end.start() if end else len(html)
        stack.append((tag, node))
    return root


def regions(frame):
    """{id: HTML} of a frame's top elements, in order."""
    return {node.id: frame[node.start : node.end] for node in keyed(frame).children}


def shell(html, node):
    parts, at = [], node.start
    for child in node.children:
        parts.append(html[at : child.start])
        at = child.end
    parts.append(html[at : node.end])
    return "\x00".join(parts)


def changes(old, new, old_tree=None, new_tree=None):
    """The fragments that turn region `old` (HTML) into `new`, as a list of elements (HTML);
    the regions' `keyed` trees when known."""
    if old == new:
        return []
    out = []
    _diff(old, (old_tree or keyed(old)).children[0], new, (new_tree or keyed(new)).children[0], out)
    return out


def _diff(old, o, new, n, out):
    if old[o.start : o.end] == new[n.start : n.end]:
        return
    if o.id != n.id:
        out.append(_placed(new, n, o.id))
    elif _is_list(old, o) and _is_list(new, n) and _tags(old, o) == _tags(new, n):
        _diff_list(old, o, new, n, out)
    elif [c.id for c in o.children] == [c.id for c in n.children] and shell(old, o) == shell(new, n):
        for oc, nc in zip(o.children, n.children):
            _diff(old, oc, new, nc, out)
    else:
        out.append(_placed(new, n, o.id))


def _diff_list(old, o, new, n, out):
    """A list of keyed rows: the longest run of rows that keep their order stays; the others
    are deleted where they were and inserted where they now are (after the nearest row that
    stays, or first), before any row is replaced: htmx swaps in the frame's order, and a row
    replaced first could not say where the next ones go any more."""
    was = {child.id: child for child in o.children}
    stays = _keeping_order([c.id for c in o.children], [c.id for c in n.children])
    inserts, replaced = [], []
    run, anchor = [], None
    for child in [*n.children, None]:
        if child is None or child.id in stays:
            if run:
                rows = "".join(new[c.start : c.end] for c in run)
                swap = f"afterend:#{anchor}" if anchor else "afterbegin"
                inserts.append(f'<{n.tag} id="{n.id}" hx-swap-oob="{swap}">{rows}</{n.tag}>')
                run = []
            if child is not None:
                _diff(old, was[child.id], new, child, replaced)
                anchor = child.id
        else:
            run.append(child)
    gone = [f'<{c.tag} id="{c.id}" hx-swap-oob="delete"></{c.tag}>' for c in o.children if c.id not in stays]
    out += inserts + replaced + gone


def _keeping_order(old_ids, new_ids):
    """The ids of the longest subsequence of `new_ids` in the order `old_ids` has them."""
    position = {key: at for at, key in enumerate(old_ids)}
    seen = [key for key in new_ids if key in position]
    tails, links, ends = [], {}, []  # patience sorting on the old positions
    for key in seen:
        at = bisect.bisect_left(tails, position[key])
        links[key] = ends[at - 1] if at else None
        if at == len(tails):
            tails.append(position[key])
            ends.append(key)
        else:
            tails[at] = position[key]
            ends[at] = key
    kept, key = set(), ends[-1] if ends else None
    while key is not None:
        kept.add(key)
        key = links[key]
    return kept


def _is_list(html, node):
    """Only keyed children between its tags (a table body of rows)."""
    inner = shell(html, node)
    inner = inner[inner.index(">") + 1 : inner.rindex("<")]
    return inner.replace("\x00", "").isspace() or not inner.replace("\x00", "")


def _tags(html, node):
    """Its start and end tags."""
    element = html[node.start : node.end]
    return element[: element.index(">") + 1], element[element.rindex("<") :]


def _placed(html, node, target):
    element = html[node.start : node.end]
    start_tag_end = element.index(">")
    if "hx-swap-oob=" in element[:start_tag_end]:
        return element  # a region: swapped by its own id
    swap = "true" if target == node.id else f"outerHTML:#{target}"
    at = len(node.tag) + 1
    return f'{element[:at]} hx-swap-oob="{swap}"{element[at:]}'


def frame(fragments):
    """One frame of fragments (HTML elements): table parts gathered in one wrapper, first."""
    rows = [f for f in fragments if _tag(f) in TABLE_PARTS]
    others = [f for f in fragments if _tag(f) not in TABLE_PARTS]
    if rows:
        others.insert(0, ROWS_WRAPPER + "".join(rows) + "</table>")
    return "\n".join(others)


def _tag(element):
    return TAG.match(element).group(2).lower()


def state_id(regions, excluded=("race", "updated")):
    """A short name for the state of the regions frames build on (the race panel and the time
    of the update are always sent whole: they are not part of it)."""
    digest = hashlib.blake2b(digest_size=8)
    for key, html in regions.items():
        if key not in excluded:
            digest.update(key.encode())
            digest.update(b"\x00")
            digest.update(html.encode())
            digest.update(b"\x00")
    return digest.hexdigest()
