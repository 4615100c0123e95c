"""Issue 15, the guards: what one device can do to the hall is bounded. Each test runs the
real hub through a real Mosquitto started from the files `qms broker setup` writes."""

from __future__ import annotations

import json
import time
import uuid
from datetime import datetime, timedelta

import msgspec
import pytest

from broker.mosquitto.setup import MAX_QUEUED_BYTES, mosquitto_config, write_setup
from broker.wire import protocol
from broker.wire.device_client import DeviceClient, RequestError
from tests.reliability.rel_support import MosquittoProcess, RawClient, ledger_rows, new_port
from tests.support import CONFIG, DEMO_PIN, SITE, HubProcess, wait_for

TOPICS = protocol.Topics(SITE)


class Hall:
    """A Mosquitto with the generated users, ACL and limits; the hub logged in as its user."""

    def __init__(self, tmp_path) -> None:
        self.tmp_path = tmp_path
        self.setup = write_setup(CONFIG, tmp_path / "setup")
        self.port = new_port()
        (tmp_path / "data").mkdir()
        conf = mosquitto_config(port=self.port, data_dir=tmp_path / "data",
                                password_file=self.setup.files["password_file"],
                                acl_file=self.setup.files["acl_file"],
                                log_file=tmp_path / "mosquitto.log")
        self.broker = MosquittoProcess(tmp_path, conf, self.port).start()
        self.passwords = {u.name: u.password for u in self.setup.users}
        self.hub = HubProcess(self.url("qms-hub"), tmp_path / "ledger.db", rate_limits=True)
        self.made: list[DeviceClient] = []
        self.raws: list[RawClient] = []

    def start_hub(self) -> None:
        """The hub, as its user (a status watch logged in as the hub would, with client ids
        bound to user names, take its place: a device watches instead)."""
        self.hub.start(wait=False)
        watch = DeviceClient(self.url("board-hall"), SITE, "board-hall", role="board").start()
        try:
            wait_for(lambda: watch.hub_online, timeout=20, what="the hub online")
        finally:
            watch.stop()

    def url(self, user: str) -> str:
        return f"mqtt://{user}:{self.passwords[user]}@127.0.0.1:{self.port}"

    def device(self, device_id: str) -> DeviceClient:
        client = DeviceClient(self.url(device_id), SITE, device_id,
                              role=CONFIG.device(device_id).role).start()
        self.made.append(client)
        assert client.wait_connected(10), f"{device_id} could not log in"
        wait_for(lambda: client.hub_online, what="the hub online, as the device sees it")
        return client

    def raw(self, user: str) -> RawClient:
        raw = RawClient(self.port, user, self.passwords[user], user)
        self.raws.append(raw)
        wait_for(raw.connected.is_set, what=f"{user} to log in")
        return raw

    def close(self) -> None:
        for client in self.made:
            client.stop()
        for raw in self.raws:
            raw.close()
        self.hub.stop()
        self.broker.stop()


@pytest.fixture
def hall(tmp_path):
    made = Hall(tmp_path)
    yield made
    made.close()


def _reply_ids(raw: RawClient, device_id: str) -> list[str]:
    topic = TOPICS.device_reply(device_id)
    return [protocol.decode_reply(m.payload).id for m in list(raw.messages) if m.topic == topic]


# --- 9. broker limits ---------------------------------------------------------------------


def test_a_device_cannot_fill_the_broker_while_the_hub_is_away(hall):
    """While the hub is down, kiosk-1 floods its cmd topic with 17.6 MB of 16 KB commands:
    the broker keeps what fits in the hub's queue (`max_queued_bytes`, 16 MiB) and drops
    the rest; the hub, back, answers the kept ones and then serves the kiosk as before."""
    hall.start_hub()
    hall.hub.stop()  # a clean stop keeps the hub's persistent session: commands queue for it
    flood = hall.raw("kiosk-1")
    flood.subscribe(TOPICS.device_reply("kiosk-1"))
    size = 16_000  # under the hub's 16 KiB limit, so each one gets an answer
    count = MAX_QUEUED_BYTES // size + 100
    template = msgspec.json.encode({"v": 1, "id": "fill-00000", "op": "ticket.issue",
                                    "args": {"service": "dkdn", "pad": ""}})
    pad = "x" * (size - len(template))
    for index in range(count):
        payload = msgspec.json.encode({"v": 1, "id": f"fill-{index:05d}", "op": "ticket.issue",
                                       "args": {"service": "dkdn", "pad": pad}})
        assert len(payload) == size
        flood.publish(TOPICS.device_cmd("kiosk-1"), payload)

    hall.start_hub()
    kiosk = hall.device("kiosk-2")
    assert kiosk.request("ticket.issue", {"service": "dkdn"})["ticket"]["number"]
    # The hub answers what the broker kept, in order, then nothing more comes.
    last = -1
    while True:
        time.sleep(1.0)
        answered = len(_reply_ids(flood, "kiosk-1"))
        if answered == last:
            break
        last = answered
    ids = _reply_ids(flood, "kiosk-1")
    kept = MAX_QUEUED_BYTES // size
    assert kept - 110 <= len(ids) <= kept + 1, (len(ids), kept)
    assert ids == [f"fill-{i:05d}" for i in range(len(ids))]  # the first ones, the rest gone
    assert len(ids) < count


# --- 7. TLS by default --------------------------------------------------------------------


def test_setup_makes_the_centers_ca_and_devices_connect_over_tls(tmp_path):
    """`qms broker setup` with no certificate given makes the center's CA and the broker's
    certificate; Mosquitto run from the very qms.conf it wrote listens plain on loopback only
    (the hub) and with TLS for devices, whose URLs in credentials.toml are mqtts:// trusting
    that CA; a device so connected is served by the real hub; one that does not trust the
    CA, or speaks plain MQTT to the TLS port, is not let in."""
    import stat
    import subprocess
    import sys
    import tomllib

    from broker.mosquitto.managed import port_open
    from tests.support import ROOT

    out, data = tmp_path / "setup", tmp_path / "data"
    data.mkdir()
    port, tls_port = new_port(), new_port()
    made = subprocess.run(
        [sys.executable, "-m", "qms.cli", "broker", "setup", "--out", str(out), "--host",
         "127.0.0.1", "--bind", "127.0.0.1", "--port", str(port), "--tls-port", str(tls_port),
         "--data-dir", str(data), "--device-ca", str(out / "ca.crt")],
        cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert made.returncode == 0, made.stderr
    for name in ("ca.key", "broker.key"):
        assert stat.S_IMODE((out / name).stat().st_mode) == 0o600, name
    conf = (out / "qms.conf").read_text()
    assert f"listener {port} 127.0.0.1" in conf and f"listener {tls_port} 127.0.0.1" in conf
    assert f"certfile {out.absolute() / 'broker.crt'}" in conf
    users = tomllib.loads((out / "credentials.toml").read_text())["users"]
    assert users["qms-hub"]["url"].startswith("mqtt://qms-hub:") and \
        users["qms-hub"]["url"].endswith(f"@127.0.0.1:{port}")
    kiosk_url = users["kiosk-1"]["url"]
    assert kiosk_url.startswith("mqtts://kiosk-1:") and kiosk_url.endswith(
        f"@127.0.0.1:{tls_port}?ca={out / 'ca.crt'}")
    ca_before = (out / "ca.crt").read_bytes()

    broker = MosquittoProcess(tmp_path, conf + f"log_dest file {tmp_path / 'm.log'}\n",
                              port).start()
    hub = HubProcess(users["qms-hub"]["url"], tmp_path / "ledger.db", rate_limits=True)
    clients: list[DeviceClient] = []
    try:
        wait_for(lambda: port_open("127.0.0.1", tls_port), what="the TLS listener")
        hub.start(wait=False)
        kiosk = DeviceClient(kiosk_url, SITE, "kiosk-1", role="kiosk").start()
        clients.append(kiosk)
        assert kiosk.wait_connected(10)
        wait_for(lambda: kiosk.hub_online, timeout=20, what="the hub, seen over TLS")
        assert kiosk.request("ticket.issue", {"service": "dkdn"})["ticket"]["number"]

        # Trusting only the system's CAs (no ?ca=), the device cannot verify the broker.
        untrusting = DeviceClient(kiosk_url.split("?")[0], SITE, "kiosk-1", role="kiosk")
        clients.append(untrusting.start())
        # Plain MQTT on the TLS port is no MQTT at all.
        plain = DeviceClient(kiosk_url.split("?")[0].replace("mqtts://", "mqtt://"), SITE,
                             "kiosk-1", role="kiosk")
        clients.append(plain.start())
        time.sleep(2.0)
        assert not untrusting.connected.is_set() and not plain.connected.is_set()
    finally:
        for client in clients:
            client.stop()
        hub.stop()
        broker.stop()

    # Run again (a new device, a rotated password): the devices' CA stays the same.
    again = subprocess.run(
        [sys.executable, "-m", "qms.cli", "broker", "setup", "--out", str(out), "--host",
         "127.0.0.1", "--port", str(port), "--tls-port", str(tls_port)],
        cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert again.returncode == 0, again.stderr
    assert (out / "ca.crt").read_bytes() == ca_before


def _code(client: DeviceClient, op: str, args: dict | None = None, **kwargs) -> str:
    try:
        client.request(op, args, **kwargs)
    except RequestError as exc:
        return exc.code
    return "ok"


# --- 5. rate limits -------------------------------------------------------------------------


def test_a_kiosk_flooding_commands_is_rate_limited_and_others_are_not(hall):
    """The demo center's default kiosk limit (10 at once, then 12 a minute): a kiosk stuck in
    a loop gets 10 tickets, then `rate_limited` with when to retry, none of it stored and the
    log saying so once; the kiosk shows it as its health (what the manager console reads);
    the service still issues to the other kiosk; later the same command id is judged afresh."""
    hall.start_hub()
    flood, other = hall.device("kiosk-1"), hall.device("kiosk-2")
    health = hall.raw("manager-1")
    health.subscribe(TOPICS.device_status("kiosk-1"))
    limit = CONFIG.rate_limit("kiosk")
    codes = [_code(flood, "ticket.issue", {"service": "dkdn"}) for _ in range(limit.burst + 5)]
    assert codes == ["ok"] * limit.burst + ["rate_limited"] * 5
    command_id = uuid.uuid4().hex
    with pytest.raises(RequestError) as refused:
        flood.request("ticket.issue", {"service": "dkdn"}, command_id=command_id)
    assert refused.value.code == "rate_limited"
    assert 0 < refused.value.retry_after_s <= 60 / limit.per_minute
    # The kiosk's health, as the manager console reads it.
    wait_for(lambda: any(b'"commands":"rate_limited"' in m.payload for m in health.messages),
             what="the kiosk's health to say rate_limited")
    # Another device is not touched by kiosk-1's limit.
    assert _code(other, "ticket.issue", {"service": "dkdn"}) == "ok"
    # Nothing of the refused commands is stored; the log says it once for the burst.
    issued = ledger_rows(hall.hub.db, "SELECT count(*) FROM commands WHERE device = 'kiosk-1'")
    assert issued == [(limit.burst,)]
    assert ledger_rows(hall.hub.db, "SELECT count(*) FROM refusals") == [(0,)]
    assert hall.hub.log.read_text().count("kiosk-1 is over its rate limit") == 1
    # When the time has come, the same command id is judged as new (a refusal for speed is
    # not an answer to remember), and the health clears.
    time.sleep(refused.value.retry_after_s + 0.2)
    ticket = flood.request("ticket.issue", {"service": "dkdn"}, command_id=command_id)
    assert ticket["ticket"]["number"]
    wait_for(lambda: flood.health.get("commands") == "ok", what="the health to clear")
    assert "kiosk-1 is under its rate limit again (6 commands refused)" in \
        hall.hub.log.read_text()


# --- 8. officers sign in ----------------------------------------------------------------------


def test_an_officer_opens_one_counter_with_the_pin(hall):
    """counter.open from a terminal takes the officer's PIN (checked by the hub against the
    config's argon2 hash), an officer open at one counter cannot open another
    (`officer_busy`), a PIN is never stored, logged or published, and five wrong PINs lock
    that officer's sign-in for a while."""
    hall.start_hub()
    counter5, counter6, counter7 = (hall.device(f"counter-{n}") for n in (5, 6, 7))
    manager, board = hall.device("manager-1"), hall.device("board-hall")
    assert _code(counter5, "counter.open", {"officer": "hve"}) == "pin_required"
    assert _code(counter5, "counter.open", {"officer": "hve", "pin": "97531"}) == "wrong_pin"
    assert _code(counter5, "counter.open", {"officer": "hve", "pin": DEMO_PIN}) == "ok"
    # One officer, one counter: refused even with the right PIN, and for a manager too.
    assert _code(counter6, "counter.open", {"officer": "hve", "pin": DEMO_PIN}) == \
        "officer_busy"
    assert _code(manager, "counter.open", {"counter": "6", "officer": "hve"}) == "officer_busy"
    # A pause and a resume under the same officer need no PIN again.
    assert _code(counter5, "counter.pause") == "ok"
    assert _code(counter5, "counter.open", {"officer": "hve"}) == "ok"
    assert _code(counter6, "counter.open", {"officer": "hve", "pin": DEMO_PIN}) == \
        "officer_busy"
    # Closed at 5, the officer may open 6.
    assert _code(counter5, "counter.close") == "ok"
    assert _code(counter6, "counter.open", {"officer": "hve", "pin": DEMO_PIN}) == "ok"
    # Five wrong PINs lock that officer's sign-in, the right one included, for a while.
    for _ in range(5):
        assert _code(counter7, "counter.open", {"officer": "dmg", "pin": "0000"}) == "wrong_pin"
    assert _code(counter7, "counter.open", {"officer": "dmg", "pin": DEMO_PIN}) == "pin_locked"

    # The PINs: not in the ledger (counter.open is stored with `pin` null), not in the log.
    stored = ledger_rows(hall.hub.db, "SELECT args FROM commands WHERE op = 'counter.open'")
    assert stored and all(json.loads(args)["pin"] is None for (args,) in stored)
    ledger_bytes = b"".join(p.read_bytes() for p in hall.tmp_path.glob("ledger.db*"))
    log = hall.hub.log.read_bytes()
    for pin in (b"97531", b'"pin":"1234"', b'"pin":"0000"'):
        assert pin not in ledger_bytes and pin not in log
    # The hashes stay on the hub: the config the devices get has none.
    assert board.config is not None and all(o.pin_hash is None for o in board.config.officers)
    assert CONFIG.officer("hve").pin_hash


def test_the_terminal_never_preselects_an_officer_open_elsewhere():
    from broker.core.messages import CounterState
    from counter_terminal.model import Snapshot, build_screen

    def counter(counter_id: str, status: str, officer: str | None) -> CounterState:
        return CounterState(id=counter_id, number=int(counter_id), status=status,
                            officer=officer, services=[])

    now = datetime.now().astimezone()
    here = counter("5", "closed", None)
    alone = Snapshot("counter-5", True, True, CONFIG, here, counters={"5": here})
    assert build_screen(alone, page="main", lang="vi", now=now).default_officer == "hve"
    elsewhere = Snapshot("counter-5", True, True, CONFIG, here,
                         counters={"5": here, "6": counter("6", "paused", "hve")})
    screen = build_screen(elsewhere, page="main", lang="vi", now=now)
    assert screen.default_officer is None
    assert dict(screen.officers)["hve"] == "Huỳnh Văn Em — đang ở quầy 6"


# --- 6. no personal data on the broadcast -------------------------------------------------


def test_a_note_reaches_the_ledger_and_the_manager_only_and_is_erased_in_time(hall):
    """An officer's note with an ID and a phone number: not on any event or retained topic
    (a board reading everything it may sees none of it), in the ledger, read by a manager
    through the report `notes` (a kiosk may not), and erased once older than the config's
    retention (30 days in the demo center) at the hub's next start."""
    hall.start_hub()
    spy = hall.raw("board-hall")
    spy.subscribe(f"{TOPICS.root}/#")
    kiosk, counter, manager = (hall.device(d) for d in ("kiosk-1", "counter-5", "manager-1"))
    kiosk.request("ticket.issue", {"service": "datdai", "reason": "disabled"})
    counter.request("counter.open", {"officer": "hve", "pin": DEMO_PIN})
    called = counter.request("counter.call_next")["ticket"]
    assert called["reason"] == "disabled"  # the calling counter's own reply has it
    note = "CCCD 079123456789, SĐT 0909123456"
    counter.request("ticket.done", {"note": note})
    marker = kiosk.request("ticket.issue", {"service": "datdai"})["ticket"]["number"]
    wait_for(lambda: any(marker.encode() in m.payload for m in spy.messages),
             what="the broadcast after the note")
    time.sleep(0.3)
    broadcast = b"".join(m.payload for m in list(spy.messages))
    assert b"ticket.done" in broadcast
    for secret in (b"079123456789", b"0909123456", b"CCCD", b"\"reason\":\"disabled\""):
        assert secret not in broadcast, secret

    today = datetime.now().astimezone().date().isoformat()
    period = {"kind": "notes", "from": today, "to": today}
    rows = manager.request("report.get", period)["rows"]
    assert [(r["number"], r["counter"], r["officer"], r["note"]) for r in rows] == [
        (called["number"], "5", "hve", note)]
    assert _code(kiosk, "report.get", period) == "forbidden"
    assert _code(counter, "report.get", period) == "forbidden"

    # 31 days later: the hub starts with its clock a month on (the day it lived is closed
    # then, and the retention has ended).
    hall.hub.stop()
    later = datetime.now().astimezone() + timedelta(days=31)
    hall.hub.args = ("--clock-start", later.isoformat(timespec="seconds"))
    hall.start_hub()
    assert ledger_rows(hall.hub.db, "SELECT json_extract(args, '$.note') FROM commands "
                        "WHERE op = 'ticket.done'") == [("",)]
    # The priority reason is forgotten too, the priority kept (a replay gives the same).
    assert ledger_rows(hall.hub.db, "SELECT priority, reason FROM tickets ORDER BY number") == [
        (1, None), (0, None)]
    assert next(json.loads(a) for (a,) in ledger_rows(
        hall.hub.db, "SELECT args FROM commands WHERE op = 'ticket.issue' ORDER BY seq")) == {
        "service": "datdai", "priority": True, "reason": None, "lang": "vi"}
    assert manager.request("report.get", {"kind": "notes", "from": today,
                                          "to": later.date().isoformat()})["rows"] == []
    assert "erased the notes of 1 finished tickets" in hall.hub.log.read_text()


def test_every_shipped_mosquitto_config_has_the_limits(tmp_path):
    from pathlib import Path

    from broker.mosquitto.managed import mosquitto_conf

    hall_conf = (Path(__file__).resolve().parents[2] / "broker" / "mosquitto" / "hall.conf")
    setup = write_setup(CONFIG, tmp_path / "setup", own_tls=False)
    texts = {"hall.conf": hall_conf.read_text(), "setup": setup.files["conf"].read_text(),
             "managed": mosquitto_conf(1883, tmp_path)}
    for name, text in texts.items():
        lines = set(text.splitlines())
        assert {f"max_queued_bytes {MAX_QUEUED_BYTES}", "max_queued_messages 100000",
                "message_size_limit 262144"} <= lines, name


def test_malformed_payloads_count_against_the_limit_and_are_logged_once(hall):
    """Garbage costs the hub as much as a command: a kiosk flooding payloads that are not
    JSON, or not a valid command, is limited the same way, and the log does not grow with it."""
    hall.start_hub()
    raw = hall.raw("kiosk-2")
    raw.subscribe(TOPICS.device_reply("kiosk-2"))
    for index in range(30):
        raw.publish(TOPICS.device_cmd("kiosk-2"), b"not json %d" % index)
    for index in range(5):
        raw.publish(TOPICS.device_cmd("kiosk-2"), msgspec.json.encode(
            {"v": 1, "id": f"bad-{index}", "op": "ticket.issue", "args": {"nope": 1}}))
    wait_for(lambda: len(_reply_ids(raw, "kiosk-2")) == 5, what="5 answers")
    codes = [protocol.decode_reply(m.payload).error.code for m in list(raw.messages)
             if m.topic == TOPICS.device_reply("kiosk-2")]
    assert codes == ["rate_limited"] * 5
    log = hall.hub.log.read_text()
    assert log.count("dropped a payload from kiosk-2") == CONFIG.rate_limit("kiosk").burst
    assert log.count("kiosk-2 is over its rate limit") == 1
    # Another kiosk is served as ever.
    assert hall.device("kiosk-1").request("ticket.issue", {"service": "dkdn"})["ticket"]
