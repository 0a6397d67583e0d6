"""The web pages end to end: the real bot against the emulator, with real data, read in a real
headless Chromium. The leaderboard matches /leaderboard, only revealed questions are archived, a
bank's <script> shows as text, old links are 404, a phone has no horizontal scroll."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest
from playwright.async_api import Browser, Page

from bot.web.server import RateLimiter
from emulator import Emulator, Member
from tests.e2e.harness import BotHarness
from tests.e2e.test_banks import upload
from tests.e2e.test_leaderboard import ranking, seed_points
from tests.e2e.test_qotd import NINE, setup_qotd
from tests.e2e.web_browser import chromium, free_port

PHONE = {"width": 375, "height": 740}


@pytest.fixture
async def site(emu: Emulator, tmp_path: Path) -> AsyncIterator[BotHarness]:
    port = free_port()
    folder = tmp_path / "site"  # its own database: a test may also start the plain harness
    folder.mkdir()
    h = BotHarness(emu, folder, web_port=port, web_host="127.0.0.1")
    await h.start()
    yield h
    h.assert_alive()
    await h.stop()


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as b:
        yield b


def base(h: BotHarness) -> str:
    return f"http://127.0.0.1:{h.settings.web_port}"


async def enable(h: BotHarness, admin: Member) -> str:
    answer = await (await h.emu.slash("web enable", member=admin)).reply()
    found = re.search(r"http://\S+/s/[\w-]+", answer.text())
    assert found, answer.text()
    return found[0]


async def status(url: str) -> int:
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        return response.status


async def test_the_page_is_off_until_an_admin_turns_it_on(
    site: BotHarness, emu: Emulator, harness: BotHarness
) -> None:
    member = site.member("bo")
    refused = await (await emu.slash("web enable", member=member)).reply()
    assert refused.text() == "Only members with Manage Server turn the web page on or off."
    # a bot whose operator set no WEB_PORT says so
    other = await (await emu.slash("web enable", member=harness.member("ada", admin=True))).reply()
    assert "has not turned the web server on (the WEB_PORT setting)" in other.text()
    assert await status(f"{base(site)}/s/anything") == 404


async def test_the_leaderboard_is_the_one_discord_shows(
    site: BotHarness, emu: Emulator, browser: Browser
) -> None:
    admin = site.member("ada", admin=True)
    members = [site.member(name) for name in ("ines", "jo", "kai", "lu")]
    await seed_points(site, dict(zip(members, [40, 25, 25, 10], strict=True)))
    url = await enable(site, admin)
    board = ranking(await (await emu.slash("leaderboard", member=members[0])).reply())
    page = await browser.new_page()
    await page.goto(url)
    assert await page.title() == "Study Group: leaderboard and past questions"
    rows = await page.locator("table tbody tr").all_inner_texts()
    shown = [tuple(cell.strip() for cell in row.split("\t")) for row in rows]
    assert shown == [
        ("1", "ines", "40", "1 of 1"),
        ("2", "jo", "25", "1 of 1"),
        ("2", "kai", "25", "1 of 1"),
        ("4", "lu", "10", "1 of 1"),
    ]
    discord_ranks = [(line.split(".**")[0].strip("*"), line.split(" · ")[1]) for line in board]
    assert discord_ranks == [(r[0], f"{r[2]} points (1/1 right)") for r in shown]
    await page.get_by_role("link", name="All time").click()
    assert await page.locator("table tbody tr").count() == 4


async def test_rotated_and_disabled_links_are_gone(site: BotHarness, emu: Emulator) -> None:
    admin = site.member("ada", admin=True)
    first = await enable(site, admin)
    assert await status(first) == 200
    rotated = await (await emu.slash("web rotate", member=admin)).reply()
    second = re.search(r"http://\S+/s/[\w-]+", rotated.text())
    assert second and second[0] != first
    assert await status(first) == 404
    assert await status(second[0]) == 200
    await (await emu.slash("web disable", member=admin)).reply()
    assert await status(second[0]) == 404


async def test_a_members_own_page_comes_from_stats_only(
    site: BotHarness, emu: Emulator, browser: Browser
) -> None:
    admin = site.member("ada", admin=True)
    ines = site.member("ines")
    await seed_points(site, {ines: 30})
    await enable(site, admin)
    own = await (await emu.slash("stats", member=ines)).reply()
    field = next(f for f in own.embeds[0]["fields"] if f["name"].startswith("Your progress page"))
    link = field["value"]
    others = await (await emu.slash("stats", {"member": ines}, member=admin)).reply()
    assert not any(f["name"].startswith("Your progress") for f in others.embeds[0]["fields"])
    page = await browser.new_page()
    await page.goto(link)
    assert await page.get_by_role("heading", level=1).inner_text() == "ines in Study Group"
    card = page.get_by_role("img").first
    assert (await card.get_attribute("alt") or "").strip()
    assert await card.evaluate("img => img.complete && img.naturalWidth") == 800
    forged = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
    assert await status(forged) == 404
    other_member = link.replace(f"/m/{ines.id}/", f"/m/{admin.id}/")
    assert await status(other_member) == 404


async def no_horizontal_scroll(page: Page) -> bool:
    return bool(await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


async def test_a_phone_has_no_horizontal_scroll(
    site: BotHarness, emu: Emulator, browser: Browser
) -> None:
    admin = site.member("ada", admin=True)
    long_name = site.member("a-member-with-a-very-long-name-" + "x" * 60)
    await seed_points(site, {long_name: 12})
    url = await enable(site, admin)
    page = await browser.new_page(viewport=PHONE)
    await page.goto(url)
    assert await no_horizontal_scroll(page)


async def test_healthz_and_metrics(site: BotHarness) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{base(site)}/healthz") as response:
            assert response.status == 200
            assert await response.json() == {"connected": True, "database_writable": True}
        async with http.get(f"{base(site)}/metrics") as response:
            text = await response.text()
    for name in (
        "studybot_posts_sent_total",
        "studybot_answers_recorded_total",
        "studybot_interaction_ack_seconds_bucket",
        "studybot_database_write_seconds_count",
        "studybot_gateway_latency_seconds",
    ):
        assert name in text, name


HOSTILE = """\
name: Web safety
questions:
  - prompt: "<script>document.title='pwned'</script> Which tag runs code?"
    choices: ["<script>", "<style>", "<b>"]
    correct: 0
    answer: "The <script>document.title='pwned'</script> tag runs JavaScript."
  - prompt: "<script>document.title='pwned'</script> Which tag makes text bold?"
    choices: ["<b>", "<i>", "<u>"]
    correct: 0
    answer: "The <b>b</b> tag."
"""


async def test_the_archive_shows_revealed_questions_only_and_bank_html_as_text(
    site: BotHarness, emu: Emulator, browser: Browser
) -> None:
    admin = site.member("ada", admin=True)
    preview = await upload(site, admin, "web-safety.yaml", HOSTILE)
    await (await emu.click(preview, preview.button("Import")["custom_id"], member=admin)).reply()
    await setup_qotd(site, admin, bank="web-safety")
    await site.tick(NINE)
    await (await emu.slash("qotd reveal-now", member=admin)).reply()
    await site.tick(NINE + timedelta(days=1))  # the next day's post: open, not revealed
    first, second = await site.db.fetchall("SELECT question_id, state FROM posts ORDER BY id")
    assert (first["state"], second["state"]) == ("revealed", "posted")
    url = await enable(site, admin)

    page = await browser.new_page()
    await page.goto(url)
    assert await page.title() == "Study Group: leaderboard and past questions"  # not "pwned"
    articles = page.locator("article")
    assert await articles.count() == 1
    text = await articles.first.inner_text()
    shown = site.bot.server_banks.find(site.guild.id, first["question_id"])
    assert shown is not None
    assert shown[1].prompt in text  # the <script> shown as text
    assert await page.evaluate("document.querySelectorAll('main script').length") == 0
    other = site.bot.server_banks.find(site.guild.id, second["question_id"])
    assert other is not None and other[1].prompt not in text
    assert "0 answered" in text
    phone = await browser.new_page(viewport=PHONE)
    await phone.goto(url)
    assert await no_horizontal_scroll(phone)


def test_the_rate_limit_lets_a_burst_through_then_a_steady_rate() -> None:
    now = [0.0]
    limiter = RateLimiter(rate=2.0, burst=5.0, clock=lambda: now[0])
    assert [limiter.allow("a") for _ in range(6)] == [True] * 5 + [False]
    assert limiter.allow("b")  # each client has its own bucket
    now[0] += 1.0  # two requests' worth a second later
    assert [limiter.allow("a") for _ in range(3)] == [True, True, False]


async def test_too_many_requests_get_429(site: BotHarness) -> None:
    async with aiohttp.ClientSession() as http:
        codes = []
        for _ in range(40):
            async with http.get(f"{base(site)}/healthz") as response:
                codes.append(response.status)
    assert codes[:30] == [200] * 30 and 429 in codes
