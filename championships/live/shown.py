"""What the pages of one feed (a championship in one language, in one process) are shown, and
the frames that bring them up to date: each built once for every page of the feed.

A state is the live regions as last rendered (`#classification`, `#distance-N`, ...), named by
`diff.state_id`. A push (the regions a change re-rendered) gives the next state and one diff
frame; the frame's `#updated` says which state it applies to (`data-base`) and which it gives
(`data-state`): a page holding another state has missed a frame and reconnects
(static/sprintboard.js). The race panel and the time of the update are sent whole and are not part
of a state (a passing changes the panel alone, at every split).

A page connecting says which regions it shows (`show`) and what it holds (`have`: a state, or
`r<revision>` for a page just loaded, which shows the state of that revision): it is sent what
changed since, or the regions it shows when that state is no longer known.
"""

import re
from collections import OrderedDict

from . import diff

UPDATED = "updated"
RACE = "race"
WHOLE = (RACE, UPDATED)  # regions always sent whole
REVISION = re.compile(r'\sdata-revision="(\d+)"')


class Shown:
    HISTORY = 8  # earlier states kept for pages that reconnect or were loaded a few changes ago
    CONNECTS = 16  # connect frames kept (per regions shown and state held)

    __slots__ = ("connects", "history", "id", "regions", "revision", "trees")

    def __init__(self, html):
        parsed = diff.parsed(html)
        self.regions = {key: region for key, (region, _) in parsed.items()}
        self.trees = {key: tree for key, (_, tree) in parsed.items()}  # for the next diff
        self.id = diff.state_id(self.regions)
        self.revision = revision_of(self.regions)
        self.history = OrderedDict()  # earlier state id -> (revision, regions)
        self.connects = {}

    def update(self, html):
        """The frame that brings pages from this state to the one `html` (re-rendered regions)
        gives, or None when it changes nothing."""
        trees = diff.parsed(html)
        if not trees:
            return html  # no live region in it: not a state to diff, forwarded as it is
        fresh = {key: region for key, (region, _) in trees.items()}
        fragments = []
        for key, (region, tree) in trees.items():
            old = self.regions.get(key)
            if key == UPDATED or old == region:
                continue
            if old is None or key in WHOLE:
                fragments.append(region)
            else:
                fragments += diff.changes(old, region, self.trees.get(key) or diff.keyed(old), tree)
            self.trees[key] = tree
        if not fragments and UPDATED not in fresh:
            return None
        regions = {**self.regions, **fresh}
        state = diff.state_id(regions)
        if state != self.id:
            self.history[self.id] = (self.revision, self.regions)
            while len(self.history) > self.HISTORY:
                self.history.popitem(last=False)
        base, self.id, self.regions = self.id, state, regions
        self.revision = revision_of(regions)
        self.connects = {}
        if UPDATED in fresh:
            fragments.append(marked(fresh[UPDATED], state, base))
        return diff.frame(fragments)

    def connect_frame(self, show=None, have=None):
        """The frame for a page connecting: the regions of `show` (a frozenset of ids; None:
        every region) as they changed since the state `have`, or whole; then the race panel and
        `#updated`."""
        held, base = self._held(have)
        key = (show, held)
        frame = self.connects.get(key)
        if frame is None:
            fragments = []
            for region_id, region in self.regions.items():
                if region_id == UPDATED or (show is not None and region_id not in show and region_id != RACE):
                    continue
                if base is None or region_id in WHOLE or region_id not in base:
                    fragments.append(region)
                else:
                    fragments += diff.changes(base[region_id], region, new_tree=self.trees.get(region_id))
            if UPDATED in self.regions:
                fragments.append(marked(self.regions[UPDATED], self.id))
            frame = diff.frame(fragments)
            if len(self.connects) >= self.CONNECTS:
                self.connects.pop(next(iter(self.connects)))
            self.connects[key] = frame
        return frame

    def _held(self, have):
        """(state id, regions) of the state `have` names; (None, None) if unknown."""
        if not have:
            return None, None
        if have == self.id:
            return self.id, self.regions
        if have in self.history:
            return have, self.history[have][1]
        if have.startswith("r") and have[1:].isdigit():
            revision = int(have[1:])
            if revision == self.revision:
                return self.id, self.regions
            for state, (held_revision, regions) in reversed(self.history.items()):
                if held_revision == revision:
                    return state, regions
        return None, None


def revision_of(regions):
    found = REVISION.search(regions.get(UPDATED, ""))
    return int(found.group(1)) if found else None


def marked(updated, state, base=None):
    """`#updated` saying which state the frame gives, and (a diff) which one it applies to."""
    attributes = f' data-state="{state}"' + (f' data-base="{base}"' if base else "")
    end = updated.index(">")
    return updated[:end] + attributes + updated[end:]
