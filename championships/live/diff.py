"""Diff frames: what changed between two renders of the live regions, as `hx-swap-oob` elements.

A region (`#classification`, `#distance-4`, ...) is a tree of elements with an `id` (the keyed
elements: the region, its title, its table bodies, their rows and cells). Between two renders:

- an element whose start tag changed is sent whole (`hx-swap-oob="true"`, or
  `"outerHTML:#old"` where another element now takes its place);
- an element without keyed children whose content changed is sent as its new content
  (`innerHTML`), one element for all those that now hold the same (`innerHTML:#a,#b`: a
  selector list), which is most of a push: emptied cells, the same "–";
- in an element whose keyed children changed, the children that keep their order stay (and are
  diffed in turn); the others are deleted where they were (one `delete:#a,#b` for all) and
  inserted where they now are, with the text around them, after the child before or before the
  one after (`afterend:#x`, `beforebegin:#x`), or first or last (`afterbegin`, `beforeend`). Only
  where the markup between the children that stay is the same, white space aside; else the
  element is sent whole. A new distance's cell in every row is one small insertion per row.

Insertions come first in a frame: htmx finds every target before it swaps any and swaps in the
frame's order, and an element replaced before them could not say where they go any more.
Applied to the old render, the fragments give the new one, white space between words and tags
aside as a browser lays it out (tests/test_live_diff.py).

Table parts (`tr`, `thead`, `tbody`) cannot stand alone in HTML: a frame carries them inside one
`<table id="live-rows" hx-swap-oob="none">`, which htmx drops once it has taken them out.

The HTML is the project's own templates' output: well-formed, attributes quoted, text escaped,
ids that a selector names as they are (else that element is sent whole). Inside an `<svg>` ids
are not keys (a chart is sent whole: SVG parts cannot stand alone either).
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
BETWEEN_CELLS = re.compile(r"(<tr(?:\s[^>]*)?>|</t[dhr]>)\s+(?=</?t[dhr][\s>])")
WHITE = re.compile(TAG.pattern + r"|(\s+)", re.S)  # a tag, or white space outside tags
SELECTABLE = re.compile(r"[A-Za-z][\w-]*\Z")  # an id a selector names as it is (#id)
ROWS_WRAPPER = '<table id="live-rows" hx-swap-oob="none">'


class Node:
    __slots__ = ("children", "end", "id", "inner", "parent", "start", "tag")

    def __init__(self, id, tag, start, inner, parent):
        self.id = id
        self.tag = tag
        self.start = start
        self.inner = inner  # where its content starts (after its start tag)
        self.end = inner
        self.parent = parent  # the tag of the element it is in (None at the top)
        self.children = []  # the nearest keyed descendants, in order


def collapse(html):
    """Runs of white space with a line break become one line break, and white space between a
    row's cells and between rows goes: the same page (no region has preformatted text, a table
    shows no text between its cells), a third fewer bytes."""
    return BETWEEN_CELLS.sub(r"\1", SPACE.sub("\n", html)).strip()


def keyed(html):
    """The keyed elements of `html` as a tree: a root Node (no id) holding the top ones."""
    root = Node(None, None, 0, 0, None)
    root.end = len(html)
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
            node = Node(found.group(1), tag, match.start(), at, stack[-1][0])
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
    return {key: html for key, (html, _) in parsed(frame).items()}


def parsed(frame):
    """{id: (HTML, its `keyed` tree)} of a frame's top elements, in order: the frame parsed once."""
    out = {}
    for node in keyed(frame).children:
        root = Node(None, None, 0, 0, None)
        root.end = node.end - node.start
        root.children.append(_shifted(node, node.start))
        out[node.id] = (frame[node.start : node.end], root)
    return out


def _shifted(node, by):
    shifted = Node(node.id, node.tag, node.start - by, node.inner - by, node.parent)
    shifted.end = node.end - by
    shifted.children = [_shifted(child, by) for child in node.children]
    return shifted


class Edits:
    """The fragments of a diff, by kind: insertions go first, as a row replaced whole before them
    could not say where they go any more; the other targets are found before any swap."""

    __slots__ = ("contents", "deleted", "inserted", "replaced")

    def __init__(self):
        self.inserted, self.replaced, self.deleted = [], [], []
        self.contents = {}  # (tag, content) -> ids of the elements that now hold it

    def fragments(self):
        out = self.inserted + self.replaced
        # One element for every element given the same content, and one for every deletion.
        out += [_targeted(tag, "innerHTML", ids, content) for (tag, content), ids in self.contents.items()]
        if self.deleted:
            out.append(_targeted("i", "delete", self.deleted, ""))
        return out


def changes(old, new, old_tree=None, new_tree=None):
    """The fragments that turn region `old` (HTML) into `new`, as a list of elements (HTML);
    the regions' `keyed` trees when known."""
    if old == new:
        return []
    edits = Edits()
    _diff(old, (old_tree or keyed(old)).children[0], new, (new_tree or keyed(new)).children[0], edits)
    return edits.fragments()


def _diff(old, o, new, n, edits):
    if old[o.start : o.end] == new[n.start : n.end]:
        return
    if o.id != n.id or old[o.start : o.inner] != new[n.start : n.inner] or not SELECTABLE.match(n.id):
        edits.replaced.append(_placed(new, n, o.id))  # another element, or its attributes changed
    elif not o.children and not n.children:
        edits.contents.setdefault((n.tag, _content(new, n)), []).append(n.id)
    elif not _diff_children(old, o, new, n, edits):
        edits.replaced.append(_placed(new, n, o.id))


def _diff_children(old, o, new, n, edits):
    """An element keeping its start tag whose keyed children changed: the children that keep
    their order stay (and are diffed in turn); the others are deleted where they were and inserted
    where they now are, next to a child that stays or at either end. Only where the markup between
    the children that stay is the same, white space aside; else False (nothing done)."""
    old_ids, new_ids = [c.id for c in o.children], [c.id for c in n.children]
    stays = set(new_ids) if old_ids == new_ids else _keeping_order(old_ids, new_ids)
    old_gaps, new_gaps = _gaps(old, o, stays), _gaps(new, n, stays)
    was = {c.id: c for c in o.children}
    kept = [c for c in n.children if c.id in stays]
    inserted, deleted = [], []
    for at, ((old_texts, removed), (new_texts, added)) in enumerate(zip(old_gaps, new_gaps)):
        if not added and not removed and old_texts == new_texts:
            continue
        left = _spaced("".join(old_texts))  # what stays between the children once some are deleted
        deleted += [c.id for c in removed]
        if not added:
            if left != _spaced("".join(new_texts)):
                return False
            continue
        before, after = (kept[at - 1] if at else None), (kept[at] if at < len(kept) else None)
        added_html = [_preserving(old, was.get(c.id), new, c) for c in added]
        if _spaced(new_texts[-1]) == left:  # right after the child before, or first
            content = "".join(t + html for t, html in zip(new_texts, added_html))
            tag, swap = (
                (before.parent, f"afterend:#{before.id}") if before else (n.tag, f"afterbegin:#{n.id}")
            )
        elif _spaced(new_texts[0]) == left:  # right before the child after, or last
            content = "".join(html + t for html, t in zip(added_html, new_texts[1:]))
            tag, swap = (after.parent, f"beforebegin:#{after.id}") if after else (n.tag, f"beforeend:#{n.id}")
        else:
            return False
        if tag == "table":  # a table part in a table: no wrapper keeps it apart
            return False
        inserted.append(f'<{tag} hx-swap-oob="{swap}">{content}</{tag}>')
    edits.inserted += inserted
    edits.deleted += deleted
    for child in kept:
        _diff(old, was[child.id], new, child, edits)
    return True


def _preserving(old, o, new, n):
    """Element `n` (new) as inserted: where it moved from `o` (old), its children that are as
    they were are the page's own, moved along (`hx-preserve`: htmx puts the element of that id
    in the placeholder's place), not sent again."""
    if o is None:
        return new[n.start : n.end]
    was = {c.id: c for c in o.children}
    parts, at = [], n.start
    for child in n.children:
        before = was.get(child.id)
        placeholder = f'<{child.tag} id="{child.id}" hx-preserve></{child.tag}>'
        if (
            before is not None
            and child.tag not in VOID
            and len(placeholder) < child.end - child.start
            and old[before.start : before.end] == new[child.start : child.end]
        ):
            parts += [new[at : child.start], placeholder]
            at = child.end
    parts.append(new[at : n.end])
    return "".join(parts)


def _gaps(html, node, stays):
    """What lies between the children that stay (and the start and end tags), in order: the
    texts between the other children and those children."""
    gaps, texts, others, at = [], [], [], node.inner
    for child in node.children:
        texts.append(html[at : child.start])
        at = child.end
        if child.id in stays:
            gaps.append((texts, others))
            texts, others = [], []
        else:
            others.append(child)
    texts.append(html[at : html.rindex("<", node.inner, node.end)])
    gaps.append((texts, others))
    return gaps


def _spaced(text):
    """Markup as the browser lays it out: a run of white space between tags is one space."""
    return WHITE.sub(_space, text)


def _space(match):
    return " " if match.group(4) else match.group(0)


def _content(html, node):
    return html[node.inner : html.rindex("<", node.inner, node.end)]


def _targeted(tag, style, ids, content):
    targets = ",".join(f"#{key}" for key in ids)
    return f'<{tag} hx-swap-oob="{style}:{targets}">{content}</{tag}>'


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
