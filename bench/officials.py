"""An official's setup: a sprint championship run from an empty database through the admin alone,
in Chromium, by labels and keyboard, counting the pages loaded, the keys pressed and the seconds.

    python bench/officials.py            # 24 skaters (--skaters N for another field)

tests/test_sprint_in_the_admin.py runs the same steps for six skaters and checks every page."""

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

SHOTS = Path("/tmp/sprintrun-shots")


class Official:
    """An official at the keyboard of `page`: counts pages loaded, keys pressed (a paste is
    Ctrl+V: two) and clicks; screenshots each step when `shots` is a folder."""

    def __init__(self, page, base_url, shots=None):
        self.page, self.base_url, self.shots = page, base_url, shots
        self.pages = self.keys = self.clicks = 0
        self.started = time.monotonic()
        self.laps = []
        page.on("load", self._loaded)
        if shots:
            shots.mkdir(parents=True, exist_ok=True)

    def _loaded(self, _page):
        self.pages += 1

    @property
    def seconds(self):
        return time.monotonic() - self.started

    def lap(self, what):
        """Note the counts so far, after `what`."""
        self.laps.append((what, self.pages, self.keys, self.clicks, self.seconds))

    def shot(self):
        """Every page the official sees, numbered, when screenshots are asked for."""
        if self.shots:
            self.page.screenshot(path=str(self.shots / f"{self.pages:03d}.png"))

    def open(self, path):
        """A bookmark or a typed address: one page, no keys counted."""
        self.page.goto(self.base_url + path)

    def type_into(self, label, text):
        self.page.get_by_label(label).fill(text)
        self.keys += len(text)

    def paste_into(self, label, text):
        self.page.get_by_label(label).fill(text)
        self.keys += 2

    def choose(self, label, option):
        self.page.get_by_label(label).select_option(label=option)
        self.clicks += 2

    def click(self, locator):
        """Click a link or button that loads a page, and wait for it."""
        with self.page.expect_navigation():
            locator.click()
        self.clicks += 1
        self.shot()

    def link(self, name, within=None):
        self.click((within or self.page).get_by_role("link", name=name, exact=True))

    def button(self, name):
        self.click(self.page.get_by_role("button", name=name, exact=True))

    def row(self, text):
        return self.page.get_by_role("row").filter(has_text=text)

    def keyboard(self, *typed):
        """Type into the focused field, Tab between fields, Enter at the end; wait for the page."""
        for index, entry in enumerate(typed):
            if index:
                self.page.keyboard.press("Tab")
                self.keys += 1
            self.page.keyboard.type(entry)
            self.keys += len(entry)
        self.enter()

    def enter(self):
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")
        self.keys += 1
        self.shot()

    def messages(self):
        return self.page.locator("ul.messagelist").inner_text()

    def problems(self):
        return self.page.locator("#problems").inner_text()


def log_in(official, username, password):
    official.open("/admin/")
    official.type_into("Username:", username)
    official.type_into("Password:", password)
    official.button("Log in")


def new_championship(official, name, kind, first_day):
    page = official.page
    official.link(
        "Add", within=page.get_by_role("row").filter(has=page.get_by_role("link", name="Championships"))
    )
    official.type_into("Name:", name)
    official.choose("Kind:", kind)
    official.type_into("First day:", first_day)
    official.button("Save")


def enter_skaters(official, lines):
    """From the championship's page just created: its message leads to the entries."""
    official.link("enter the skaters")
    official.paste_into("Skaters, one per line", lines)
    official.button("Save")


def to_start_lists(official):
    """From the skaters just entered: their message leads on to the championship's distances."""
    official.link("the start lists")


def to_distances(official):
    official.link("Home")
    official.link("Distances", within=official.page.locator("#content-main"))


def paste_start_list(official, distance, lines):
    """From the Distances list."""
    official.link("start list", within=official.row(distance))
    official.paste_into("Start list lines", lines)
    official.button("Check and save the start list")


def draw_start_list(official, distance, seed):
    official.link("start list", within=official.row(distance))
    official.type_into("Seed:", str(seed))
    official.button("Draw at random")
    official.button("Save this start list")


def propose_start_list(official, distance):
    official.link("start list", within=official.row(distance))
    official.button("Propose pairs by the rule")
    official.button("Save this start list")


def open_pair_entry(official, distance):
    """From the Distances list: the entry opens on the first pair still to enter."""
    official.link("enter times", within=official.row(distance))


def back_to_distances(official):
    """From the pair entry, by its breadcrumbs."""
    official.link("Distances", within=official.page.get_by_role("navigation", name="Breadcrumbs"))


def mark_all_official(official):
    """On the Distances list: every distance ticked, the action chosen, Go."""
    official.page.get_by_label("Select all objects on this page for an action").check()
    official.clicks += 1
    official.choose("Action:", "Mark the results official")
    official.button("Run")


# --- the 24-skater bench --------------------------------------------------------------------------


def field(count, rng):
    """`count` skaters with personal bests and a time for each distance near them."""
    skaters = []
    for number in range(1, count + 1):
        best_500 = round(rng.uniform(37.0, 39.5), 2)
        best_1000 = round(best_500 * 2 - rng.uniform(0.5, 1.5), 2)
        skaters.append((f"Skater {number:02d}", "NED", best_500, best_1000))
    return skaters


def clock(seconds):
    minutes, rest = divmod(seconds, 60)
    return f"{int(minutes)}:{rest:05.2f}" if minutes else f"{rest:.2f}"


def run_sprint(official, skaters, rng, seed=2026):
    """Create, enter, start lists (1 pasted, 2 drawn, 3 and 4 proposed), every time."""
    from championships.models import Distance

    new_championship(official, "Bench Sprint", "Sprint (500, 1000 | 500, 1000)", "2027-01-16")
    enter_skaters(
        official,
        "\n".join(f"{name}, {country}, 500={b5}, 1000={clock(b10)}" for name, country, b5, b10 in skaters),
    )
    to_start_lists(official)
    names = [name for name, *_ in skaters]
    best = {name: (b5, b10) for name, _, b5, b10 in skaters}
    lines = "\n".join(
        f"{pair}\t{names[2 * pair - 2]}\t{names[2 * pair - 1]}" for pair in range(1, len(names) // 2 + 1)
    )
    paste_start_list(official, "1. 500 m", lines)
    to_distances(official)
    draw_start_list(official, "2. 1000 m", seed)
    to_distances(official)
    official.lap("set up: created, skaters entered, start lists 1 and 2")
    for order, label in enumerate(("1. 500 m", "2. 1000 m", "3. 500 m", "4. 1000 m"), start=1):
        if order > 2:
            propose_start_list(official, label)
            to_distances(official)
        open_pair_entry(official, label)
        distance = Distance.objects.get(order=order)
        lanes = {(s.pair, s.lane): s.skater.name for s in distance.starts.select_related("skater")}
        for pair in sorted({pair for pair, _ in lanes}):
            typed = []
            for lane in ("inner", "outer"):
                name = lanes[(pair, lane)]
                pb = best[name][0 if distance.meters == 500 else 1]
                typed.append(clock(pb + rng.uniform(0.1, 1.2)))
            official.keyboard(*typed)
        back_to_distances(official)
    mark_all_official(official)
    official.lap("then start lists 3 and 4 proposed, every time entered, all marked official")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--skaters", type=int, default=24)
    parser.add_argument("--shots", action="store_true", help=f"screenshot each page into {SHOTS}")
    options = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="bench-officials-")
    os.environ["DATABASE_URL"] = f"sqlite:///{Path(workdir) / 'officials.sqlite3'}"
    os.environ.setdefault("DEBUG", "on")
    os.environ["DJANGO_SETTINGS_MODULE"] = "sprintboard.settings"
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop beside the ORM, one thread
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.management import call_command
    from django.test.testcases import LiveServerThread
    from playwright.sync_api import sync_playwright

    from championships.officials import ensure_official
    from tests.support.browser import CHROMIUM, CHROMIUM_ARGS

    call_command("migrate", verbosity=0, interactive=False)
    username, password = ensure_official()
    server = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait(30)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            official = Official(
                page, f"http://127.0.0.1:{server.port}", SHOTS / "bench" if options.shots else None
            )
            log_in(official, username, password)
            run_sprint(official, field(options.skaters, random.Random(1)), random.Random(2))
            print(f"{options.skaters}-skater sprint, from the login (counts so far):")
            for what, pages, keys, clicks, seconds in official.laps:
                print(f"  {what}: {pages} pages, {keys} keys, {clicks} clicks, {seconds:.1f} s")
            browser.close()
    finally:
        server.terminate()


if __name__ == "__main__":
    main()
