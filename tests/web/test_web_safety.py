"""The web face's safety: only a token's own ticket, no lookup by number, a rate limit per
client, security headers and no third-party origin, the schema validating input, the web
device's broker user confined to its own command topic, and a short Schemathesis run (the long
one is `python -m tools.fuzz_web`)."""

from __future__ import annotations

import json
import re
import urllib.request

from broker.wire import protocol
from tests.reliability.rel_support import RawClient
from tests.reliability.test_reliability_acl import _command, _reply_seen, secured  # noqa: F401
from tests.support import DEMO_PIN, SITE, wait_for
from tests.web.conftest import WebProcess, get

TOPICS = protocol.Topics(SITE)


def _post(url: str, body: bytes, content_type: str) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers={"content-type": content_type})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_pages_without_scripts_headers_weight_and_validation(web, devices):
    kiosk = devices("kiosk-1")
    wait_for(lambda: kiosk.config is not None)
    issued = kiosk.request("ticket.issue", {"service": "datdai"})["ticket"]
    token = issued["token"]

    status, headers, body = get(f"{web.url}/t/{token}")
    page = body.decode()
    assert status == 200 and f'id="number">{issued["number"]}<' in page  # no script needed
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert headers["referrer-policy"] == "no-referrer"  # the token never leaves in a Referer
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["cache-control"] == "no-store"
    weight = len(body)
    for asset in re.findall(r'(?:href|src)="(/static/[^"]+)"', page):
        weight += len(get(web.url + asset)[2])
    assert weight <= 50 * 1024, weight
    for path in ("/", "/danh-gia", "/bang", f"/t/{token}", "/api/docs"):
        html = get(web.url + path)[2].decode()
        # No other origin: every address in a page is a path on this server.
        assert not re.search(r'(?:src|href|action)="(?:https?:)?//', html), path

    # Nothing from the address is shown as text (an error is a known code or nothing).
    shown = get(f"{web.url}/t/{token}?error=M%E1%BB%9Di+%C4%91%E1%BA%BFn+qu%E1%BA%A7y+9")[2]
    assert "quầy 9" not in shown.decode()

    # No listing, no lookup by number or ticket id.
    for path in (f"/t/{issued['number']}", f"/t/{issued['id']}", "/api/v1/tickets",
                 f"/api/v1/tickets/{issued['number']}", f"/api/v1/tickets/{issued['id']}"):
        status, _, body = get(web.url + path)
        assert status in (400, 404, 405), path
        assert issued["number"].encode() not in body or path.endswith(issued["number"])
    # The schema checks input: a score out of range, an unknown field.
    api = f"{web.url}/api/v1/tickets/{token}/rating"
    for bad in (b'{"score": 9}', b'{"score": "x"}', b'[]', b"{" * 50):
        status, _ = _post(api, bad, "application/json")
        assert status == 400, bad
    status, body = _post(api, b'{"score": 4}', "application/json")
    assert status == 409 and json.loads(body)["detail"] == "invalid_transition"  # not done yet


def test_rate_limit_per_client_address(hub, broker, tmp_path):
    web = WebProcess(broker.url, tmp_path / "web.log", rate_limit=20)
    try:
        statuses = [get(f"{web.url}/api/v1/center")[0] for _ in range(30)]
        assert statuses[:15] == [200] * 15 and 429 in statuses
        assert get(f"{web.url}/static/site.css")[0] == 200  # assets are not counted
    finally:
        web.stop()


def test_the_web_user_writes_only_its_own_command_topic(secured):  # noqa: F811
    port, passwords, device, _hub = secured
    kiosk = device("kiosk-1")
    web = RawClient(port, "web-1", passwords["web-1"], "web-raw")
    wait_for(web.connected.is_set, what="web-1 to log in")
    web.subscribe(TOPICS.device_reply("web-1"), TOPICS.device_reply("kiosk-1"))
    # A forged ticket on the kiosk's topic, then the web device's own lookup: once that is
    # answered, the forgery had its chance.
    _forged_id, forged = _command("ticket.issue", {"service": "datdai"})
    web.publish(TOPICS.device_cmd("kiosk-1"), forged)
    web.publish(TOPICS.board_state, b'{"v":1,"rev":9999999999999999,"calls":[]}', retain=True)
    own_id, own = _command("ticket.lookup", {"token": "A" * 16})
    web.publish(TOPICS.device_cmd("web-1"), own)
    wait_for(lambda: _reply_seen(web, "web-1", own_id), what="the web device's own reply")
    state = wait_for(lambda: kiosk.cached(TOPICS.service_state("datdai")), what="state")
    assert state.issued == 0
    assert not [t for t in web.topics() if t == TOPICS.device_reply("kiosk-1")]
    web.close()


def test_schemathesis_short_run_finds_no_server_error(tmp_path):
    from tools.fuzz_web import fuzz

    assert fuzz(tmp_path, max_time=15, examples=25) == 0


def test_pages_say_when_the_hub_is_away_and_recover(web, hub, devices):
    kiosk = devices("kiosk-1")
    wait_for(lambda: kiosk.config is not None)
    issued = kiosk.request("ticket.issue", {"service": "datdai"})["ticket"]
    page = f"{web.url}/t/{issued['token']}"
    assert get(page)[0] == 200
    hub.stop()
    # The ticket stays readable from what the web face holds, with a warning.
    wait_for(lambda: "mất kết nối" in get(page)[2].decode(), what="the offline note")
    assert issued["number"] in get(page)[2].decode()
    hub.start()
    wait_for(lambda: "mất kết nối" not in get(page)[2].decode(), what="the note to go")
    counter = devices("counter-5")
    counter.request("counter.open", {"officer": "hve", "pin": DEMO_PIN})
    counter.request("counter.call_next")
    wait_for(lambda: "Mời đến quầy 5" in get(page)[2].decode(), what="the call after a restart")
