"""The web face in a real browser (Debian's Chromium, headless, driven by Playwright): a
citizen scans the QR of a printed ticket, follows the ticket live, is called, rates from the
phone; the tablet cannot rate again; the public ranking counts it. Screenshots of every page at
a phone's 390 px and a TV's 1920 px (and 1366 px for the board) go to artifacts/."""

from __future__ import annotations

import re

import pytest
import zxingcpp
from PIL import Image

from broker.mosquitto.managed import ManagedBroker
from broker.wire.device_client import RequestError
from drivers.printer import open_printer
from kiosk import model as kiosk_model
from tests.support import ARTIFACTS, CONFIG, DEMO_PIN, ROOT, HubProcess, device, wait_for
from tests.web.conftest import WebProcess, free_port

playwright = pytest.importorskip("playwright.sync_api")

SHOTS = ARTIFACTS / "test_web_browser"
PHONE = {"width": 390, "height": 844}
TV = {"width": 1920, "height": 1080}
SMALL_TV = {"width": 1366, "height": 768}


@pytest.fixture(scope="module")
def hall(tmp_path_factory):
    """Broker, hub and web face; the hub's config points status_url at this web face."""
    tmp = tmp_path_factory.mktemp("web-hall")
    port = free_port()
    source = (ROOT / "config" / "center.toml").read_text(encoding="utf-8")
    config = tmp / "center.toml"
    config.write_text(re.sub(r'(?m)^status_url = "[^"]*"',
                             f'status_url = "http://127.0.0.1:{port}/t/"', source),
                      encoding="utf-8")
    with ManagedBroker(data_dir=tmp / "broker", embedded=False) as broker:
        hub = HubProcess(broker.url, tmp / "ledger.db", config=config).start()
        web = WebProcess(broker.url, tmp / "web.log", port=port)
        clients = {d: device(broker.url, d)
                   for d in ("kiosk-1", "counter-5", "tablet-5", "manager-1")}
        try:
            yield {"web": web, "tmp": tmp, **clients}
        finally:
            for client in clients.values():
                client.stop()
            web.stop()
            hub.stop()



def _page(browser, viewport):
    context = browser.new_context(viewport=viewport, locale="vi-VN")
    # The phone's vibration, seen by the test.
    context.add_init_script("navigator.vibrate = function (p) { window.__vibrated = p; "
                            "return true; };")
    return context.new_page()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def print_and_scan(hall, issued: dict) -> str:
    """The kiosk's printed ticket (the virtual printer's PNG, made from the ESC/POS bytes),
    read back by a real QR decoder."""
    folder = hall["tmp"] / "tickets"
    printer = open_printer(f"virtual:{folder}")
    printer.print_ticket(kiosk_model.print_job(CONFIG, issued, "vi", None))
    picture = sorted(folder.glob("*.png"))[-1]
    found = zxingcpp.read_barcodes(Image.open(picture))
    assert len(found) == 1, f"no QR code read from {picture}"
    return found[0].text


def test_citizen_scans_follows_is_called_and_rates(hall, browser):
    web, kiosk, counter, tablet = hall["web"], hall["kiosk-1"], hall["counter-5"], hall["tablet-5"]
    wait_for(lambda: kiosk.config is not None, what="the config")
    before = kiosk.request("ticket.issue", {"service": "datdai"})["ticket"]
    issued = kiosk.request("ticket.issue", {"service": "datdai"})["ticket"]
    url = print_and_scan(hall, issued)
    assert url == issued["status_url"] and url.startswith(f"{web.url}/t/")

    page = _page(browser, PHONE)
    sizes: dict[str, int] = {}
    page.on("response", lambda r: sizes.__setitem__(r.url, len(r.body()))
            if "/events" not in r.url else None)
    page.goto(url)
    page.wait_for_selector("#number")
    assert page.inner_text("#number") == issued["number"]
    assert "Đất đai" in page.inner_text("main")
    assert page.inner_text("#ahead") == "1"  # the ticket before it
    assert sum(sizes.values()) <= 50 * 1024, sizes  # a ticket page weighs at most 50 KB
    page.evaluate("window.__still_here = true")  # gone if the page reloads
    shot(page, "ticket-waiting-390")

    counter.request("counter.open", {"officer": "hve", "pin": DEMO_PIN})
    assert counter.request("counter.call_next")["ticket"]["id"] == before["id"]
    # (Locators, not wait_for_function: the page's CSP forbids the eval that one needs.)
    playwright.expect(page.locator("#ahead")).to_have_text("Không có ai", timeout=5000)
    counter.request("ticket.done")
    called = counter.request("counter.call_next")["ticket"]
    assert called["id"] == issued["id"]
    page.wait_for_selector("text=Mời đến quầy 5", timeout=5000)
    assert page.evaluate("window.__still_here") is True, "the page reloaded"
    assert page.evaluate("window.__vibrated") is not None, "no vibration on the call"
    shot(page, "ticket-called-390")

    counter.request("ticket.done")
    page.wait_for_selector("form#rate", timeout=5000)
    assert page.evaluate("window.__still_here") is True
    shot(page, "ticket-rate-390")
    page.check("input[name=score][value='4']")
    page.click("form#rate button[type=submit]")
    page.wait_for_selector("#rated", timeout=5000)
    assert "Cảm ơn" in page.inner_text("#rated")
    with pytest.raises(RequestError) as again:
        tablet.request("rating.submit", {"ticket": issued["id"], "score": 1})
    assert again.value.code == "already_rated"

    ranking = _page(browser, PHONE)
    ranking.goto(f"{web.url}/danh-gia")
    table = ranking.inner_text("main")
    assert CONFIG.officer("hve").name in table
    row = ranking.locator("section.rank").first.locator("tbody tr").first
    cells = row.locator("td").all_inner_texts()
    assert cells[1] == CONFIG.officer("hve").name and cells[2] == "1" and cells[3] == "4.00"
    assert issued["number"] not in table  # nothing that names the rater
    shot(ranking, "ranking-390")
    # The English toggle.
    ranking.click("a.lang")
    assert "How satisfied" in ranking.inner_text("h1")
    ranking.context.close()
    page.context.close()


def test_a_wrong_token_shows_no_ticket(hall, browser):
    page = _page(browser, PHONE)
    answer = page.goto(f"{hall['web'].url}/t/AAAAAAAAAAAAAAAA")
    assert answer.status == 404
    assert page.query_selector("#number") is None
    assert "Không tìm thấy phiếu" in page.inner_text("main")
    shot(page, "ticket-wrong-390")
    answer = page.goto(f"{hall['web'].url}/t/2001")  # a number is not a way in
    assert answer.status == 404 and page.query_selector("#number") is None
    page.context.close()


@pytest.mark.parametrize("viewport", [PHONE, TV], ids=["390", "1920"])
def test_screenshots_of_every_page(hall, browser, viewport):
    web, kiosk = hall["web"], hall["kiosk-1"]
    issued = kiosk.request("ticket.issue", {"service": "dkdn"})["ticket"]
    page = _page(browser, viewport)
    width = viewport["width"]
    for name, path in (("home", "/"), ("ranking", "/danh-gia?ky=month"), ("board", "/bang"),
                       ("ticket", f"/t/{issued['token']}"), ("api", "/api/docs"),
                       ("home-en", "/?lang=en")):
        answer = page.goto(web.url + path)
        assert answer.status == 200, path
        # Nothing outside the page's own origin is ever asked for.
        shot(page, f"{name}-{width}")
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert not overflow, f"{path} is wider than the screen at {width} px"
    page.context.close()


def test_board_on_a_tv_changes_live_on_a_call(hall, browser):
    web, kiosk, counter = hall["web"], hall["kiosk-1"], hall["counter-5"]
    page = _page(browser, SMALL_TV)
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(f"{web.url}/bang")
    page.evaluate("window.__still_here = true")
    issued = kiosk.request("ticket.issue", {"service": "datdai"})["ticket"]
    try:
        counter.request("counter.open", {"officer": "hve", "pin": DEMO_PIN})
        counter.request("counter.call_next")
    except RequestError:
        pass
    playwright.expect(page.locator(".hero-number")).to_have_text(issued["number"], timeout=5000)
    assert page.evaluate("window.__still_here") is True
    shot(page, "board-1366")
    assert all(u.startswith(web.url) for u in requested), requested
    counter.request("ticket.done")
    page.context.close()


def test_the_ranking_page_counts_a_new_rating_live(hall, browser):
    web, kiosk, counter, tablet = hall["web"], hall["kiosk-1"], hall["counter-5"], hall["tablet-5"]
    name = CONFIG.officer("hve").name
    page = _page(browser, PHONE)
    page.goto(f"{web.url}/danh-gia")
    row = page.locator("section.rank").first.locator("tr", has_text=name)
    before = int(row.locator("td").nth(2).inner_text()) if row.count() else 0
    page.evaluate("window.__still_here = true")
    issued = kiosk.request("ticket.issue", {"service": "datdai"})["ticket"]
    counter.request("counter.open", {"officer": "hve", "pin": DEMO_PIN})
    assert counter.request("counter.call", {"number": issued["number"]})["ticket"]["id"] == \
        issued["id"]
    counter.request("ticket.done")
    tablet.request("rating.submit", {"ticket": issued["id"], "score": 3})
    wait_for(lambda: row.count() and row.locator("td").nth(2).inner_text() == str(before + 1),
             timeout=10, interval=0.1, what="the ranking page to count the new rating")
    assert page.evaluate("window.__still_here") is True
    page.context.close()



def test_the_board_on_a_tv_shows_only_whole_calls(hall, browser):
    """More recent calls than the column holds: the ones that fit are shown whole, the rest not
    at all (no half a number at the bottom of a TV)."""
    manager, counter = hall["manager-1"], hall["counter-5"]
    counter.request("counter.open", {"officer": "hve", "pin": DEMO_PIN})
    for _ in range(8):
        manager.request("ticket.issue", {"service": "datdai"})
        counter.request("counter.call_next")
        counter.request("ticket.done")
    for viewport in (TV, SMALL_TV):
        page = _page(browser, viewport)
        page.goto(f"{hall['web'].url}/bang")
        rows = page.evaluate("""() => {
            // What shows: the list's box within its section's (either may clip).
            const a = document.querySelector('.recent').getBoundingClientRect();
            const b = document.querySelector('.recent ol').getBoundingClientRect();
            const box = {top: Math.max(a.top, b.top), bottom: Math.min(a.bottom, b.bottom),
                         left: Math.max(a.left, b.left), right: Math.min(a.right, b.right)};
            return [...document.querySelectorAll('.recent li')].map(li => {
                const r = li.getBoundingClientRect();
                return {inside: r.top >= box.top && r.bottom <= box.bottom
                                && r.left >= box.left && r.right <= box.right,
                        outside: r.left >= box.right || r.top >= box.bottom};
            });
        }""")
        assert len(rows) == 7  # the newest call is the big one; seven more are listed
        shown = [r["inside"] for r in rows]
        assert all(r["inside"] or r["outside"] for r in rows), rows  # none cut in half
        assert shown[:5] == [True] * 5, rows  # the newest ones, at least five
        assert shown == sorted(shown, reverse=True), rows  # only the oldest ones hidden
        shot(page, f"board-calls-{viewport['width']}")
        page.context.close()
