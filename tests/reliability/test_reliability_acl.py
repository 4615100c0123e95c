"""Broker security against a real Mosquitto run from the config `qms broker setup` makes:
one user per device, the contract's ACL, client ids bound to user names, optional TLS."""

from __future__ import annotations

import stat
import subprocess
import sys
import time
import tomllib
import uuid
from datetime import datetime
from urllib.parse import quote

import pytest

from broker.mosquitto.managed import port_open
from broker.mosquitto.setup import (
    load_credentials,
    mosquitto_config,
    password_matches,
    write_setup,
)
from broker.wire import protocol
from broker.wire.device_client import DeviceClient
from tests.reliability.rel_support import MosquittoProcess, RawClient, new_port, refused
from tests.support import CONFIG, DEMO_PIN, ROOT, SITE, HubProcess, wait_for

TOPICS = protocol.Topics(SITE)


@pytest.fixture
def secured(tmp_path):
    """Mosquitto with the generated users and ACL, the hub logged in as its user."""
    setup = write_setup(CONFIG, tmp_path / "setup")
    port = new_port()
    conf = mosquitto_config(port=port, data_dir=tmp_path / "data",
                            password_file=setup.files["password_file"],
                            acl_file=setup.files["acl_file"],
                            log_file=tmp_path / "mosquitto.log")
    (tmp_path / "data").mkdir()
    broker = MosquittoProcess(tmp_path, conf, port).start()
    passwords = {u.name: u.password for u in setup.users}

    def url(user: str) -> str:
        return f"mqtt://{user}:{passwords[user]}@127.0.0.1:{port}"

    hub = HubProcess(url("qms-hub"), tmp_path / "ledger.db").start(wait=False)
    made: list[DeviceClient] = []

    def device(device_id: str) -> DeviceClient:
        role = CONFIG.device(device_id).role
        client = DeviceClient(url(device_id), SITE, device_id, role=role).start()
        made.append(client)
        assert client.wait_connected(10), f"{device_id} could not log in"
        wait_for(lambda: client.hub_online, what="the hub online, as the device sees it")
        return client

    yield port, passwords, device, hub
    for client in made:
        client.stop()
    hub.stop()
    broker.stop()


def _command(op: str, args: dict | None = None) -> tuple[str, bytes]:
    command_id = uuid.uuid4().hex
    return command_id, protocol.encode_command(command_id, op, args)


def test_setup_files_are_private_complete_and_stable(tmp_path):
    setup = write_setup(CONFIG, tmp_path)
    for name in ("password_file", "acl_file", "credentials"):
        assert stat.S_IMODE(setup.files[name].stat().st_mode) == 0o600, name
    users = {u.name: u for u in setup.users}
    assert set(users) == {"qms-hub", *(d.id for d in CONFIG.devices)}
    hashes = dict(line.split(":", 1) for line in
                  setup.files["password_file"].read_text().splitlines())
    assert all(password_matches(u.password, hashes[u.name]) for u in setup.users)
    assert not password_matches("wrong", hashes["kiosk-1"])
    entry = tomllib.loads(setup.files["credentials"].read_text())["users"]["counter-5"]
    # TLS by default: a device's URL is mqtts:// and trusts the center's own CA.
    assert entry["role"] == "counter" and entry["url"].startswith("mqtts://counter-5:")
    assert entry["url"].endswith(":8883?ca=/etc/qms/ca.crt")

    again = write_setup(CONFIG, tmp_path, rotate={"kiosk-1"})
    changed = {u.name for u in again.users if u.password != users[u.name].password}
    assert changed == {"kiosk-1"} and again.rotated == ["kiosk-1"]
    assert load_credentials(setup.files["credentials"])["kiosk-1"] != users["kiosk-1"].password


def test_setup_command_refuses_a_config_with_mistakes(tmp_path):
    bad = tmp_path / "center.toml"
    text = (ROOT / "config" / "center.toml").read_text()
    bad.write_text(text.replace('role = "kiosk"', 'role = "kiosks"', 1))
    done = subprocess.run([sys.executable, "-m", "qms.cli", "broker", "setup", "--config",
                           str(bad), "--out", str(tmp_path / "out")], cwd=ROOT,
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    line = next(i for i, s in enumerate(text.splitlines(), 1) if s == 'role = "kiosk"')
    assert f"center.toml:{line}: devices[0].role:" in done.stderr
    assert not (tmp_path / "out").exists()


def test_unknown_users_and_wrong_passwords_are_refused(secured):
    port, passwords, _device, _hub = secured
    assert refused(port, "intruder", "guess")
    assert refused(port, "kiosk-1", passwords["kiosk-1"] + "x")
    assert refused(port, None, None)
    assert refused(port, "kiosk-1", passwords["counter-5"])
    assert not refused(port, "kiosk-1", passwords["kiosk-1"])


def _reply_seen(client: RawClient, device_id: str, command_id: str) -> bool:
    topic = TOPICS.device_reply(device_id)
    return any(m.topic == topic and command_id.encode() in m.payload for m in client.messages)


def test_a_kiosk_cannot_act_as_a_counter_or_read_its_replies(secured):
    port, passwords, device, _hub = secured
    counter = device("counter-5")
    # kiosk-2's credentials, on a raw connection that tries everything.
    spy = RawClient(port, "kiosk-2", passwords["kiosk-2"], "spy")
    wait_for(spy.connected.is_set, what="kiosk-2 to log in")
    spy.subscribe("#", TOPICS.device_reply("counter-5"), f"{TOPICS.root}/devices/+/reply")

    # Forged: a command on counter 5's topic, then the kiosk's own command on the same
    # connection (so in order): once that is answered, the forgery had its chance.
    _forged_id, forged = _command("counter.open", {"officer": "hve", "pin": DEMO_PIN})
    spy.publish(TOPICS.device_cmd("counter-5"), forged)
    own_id, own = _command("ticket.issue", {"service": "datdai"})
    spy.publish(TOPICS.device_cmd("kiosk-2"), own)
    wait_for(lambda: _reply_seen(spy, "kiosk-2", own_id), what="the kiosk's own reply")
    counter_topic = TOPICS.counter_state("5")
    wait_for(lambda: counter.cached(counter_topic), what="counter 5's state")
    assert counter.cached(counter_topic).status == "closed"

    # The counter gets its replies; the kiosk's spy sees none of them.
    opened = counter.request("counter.open", {"officer": "hve", "pin": DEMO_PIN})
    assert opened["counter"]["status"] == "open"
    wait_for(lambda: any(m.topic == counter_topic and b'"open"' in m.payload
                         for m in spy.messages), what="the spy to see public state")
    assert not [t for t in spy.topics()
                if t.endswith("/reply") and t != TOPICS.device_reply("kiosk-2")]
    assert not [t for t in spy.topics() if t.endswith("/cmd")]
    spy.close()


def test_a_device_cannot_forge_state_status_or_another_devices_health(secured):
    port, passwords, device, _hub = secured
    board = device("board-hall")
    kiosk = device("kiosk-1")
    kiosk.request("ticket.issue", {"service": "datdai"})
    health = RawClient(port, "manager-1", passwords["manager-1"], "health")
    wait_for(health.connected.is_set)
    health.subscribe(TOPICS.all_device_status)
    wait_for(lambda: TOPICS.device_status("kiosk-1") in health.topics(),
             what="the manager to read a device's status")
    nosy = RawClient(port, "kiosk-2", passwords["kiosk-2"], "nosy")
    wait_for(nosy.connected.is_set)
    nosy.subscribe(TOPICS.all_device_status)

    forger = RawClient(port, "counter-7", passwords["counter-7"], "forger")
    wait_for(forger.connected.is_set)
    fake_board = protocol.encode(protocol.BoardState(
        calls=[protocol.BoardCallInfo(number="9999", counter="1",
                                      at=datetime.fromisoformat("2030-01-01T00:00:00+07:00"))],
        rev=2**62))
    forger.publish(TOPICS.board_state, fake_board, retain=True)
    forger.publish(TOPICS.hub_status, b'{"v":1,"status":"offline"}', retain=True)
    forger.publish(TOPICS.device_status("counter-5"),
                   b'{"v":1,"online":true,"health":{"printer":"fake"}}', retain=True)
    forger.publish(TOPICS.event("ticket.called"), b'{"v":1,"kind":"ticket.called"}')
    marker_id, marker = _command("counter.open", {"officer": "dmg", "pin": DEMO_PIN})
    forger.subscribe(TOPICS.device_reply("counter-7"))
    forger.publish(TOPICS.device_cmd("counter-7"), marker)
    wait_for(lambda: _reply_seen(forger, "counter-7", marker_id), what="the marker's reply")

    # A client that connects afterwards reads only what the hub and the devices published.
    late = RawClient(port, "board-zone-a", passwords["board-zone-a"], "late")
    wait_for(late.connected.is_set)
    late.subscribe(f"{TOPICS.root}/#")
    wait_for(lambda: TOPICS.board_state in late.topics(), what="the retained board")
    time.sleep(0.3)  # what else is retained arrives in the same burst
    payloads = {m.topic: m.payload for m in late.messages}
    assert b"9999" not in payloads[TOPICS.board_state]
    assert b'"online"' in payloads[TOPICS.hub_status]
    assert TOPICS.device_status("counter-5") not in health.topics()
    assert not any(m.topic.endswith("/events/ticket.called") for m in late.messages)
    assert board.hub_online and not board.cached(TOPICS.board_state).calls
    # Only a manager reads other devices' health.
    assert not [t for t in nosy.topics() if t != TOPICS.device_status("kiosk-2")]
    for client in (health, nosy, forger, late):
        client.close()


def test_a_device_cannot_take_over_the_hubs_session(secured):
    port, passwords, device, _hub = secured
    kiosk = device("kiosk-1")
    seen: list[str] = []
    kiosk.on_state(lambda parsed, message: parsed.kind == "hub_status"
                   and seen.append(message.status))
    # With client ids bound to user names, this is just kiosk-2's connection; without, it
    # would throw the hub off the broker (its will says `offline`) and take its session.
    thief = RawClient(port, "kiosk-2", passwords["kiosk-2"], f"qms-hub-{SITE}")
    wait_for(thief.connected.is_set)
    time.sleep(1.5)  # the hub's reconnect delay is 1 s: a fight would show by now
    assert "offline" not in seen and not thief.disconnected.is_set()
    assert kiosk.request("ticket.issue", {"service": "dkdn"})["ticket"]["number"]
    thief.close()


@pytest.mark.skipif(subprocess.run(["which", "openssl"], capture_output=True).returncode,
                    reason="needs openssl for a throwaway CA")
def test_tls_listener_with_a_throwaway_ca(tmp_path):
    from broker.mosquitto.setup import TlsFiles

    def openssl(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=tmp_path, check=True, capture_output=True)

    curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    openssl("req", "-x509", *curve, "-keyout", "ca.key", "-out", "ca.crt", "-days", "1",
            "-subj", "/CN=qms test CA")
    openssl("req", *curve, "-keyout", "hub.key", "-out", "hub.csr", "-subj", "/CN=127.0.0.1")
    (tmp_path / "san.ext").write_text("subjectAltName=IP:127.0.0.1\n")
    openssl("x509", "-req", "-in", "hub.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
            "-CAcreateserial", "-out", "hub.crt", "-days", "1", "-extfile", "san.ext")
    # Another CA that did not sign the hub's certificate.
    openssl("req", "-x509", *curve, "-keyout", "other.key", "-out", "other.crt", "-days", "1",
            "-subj", "/CN=someone else")

    tls = TlsFiles(tmp_path / "hub.crt", tmp_path / "hub.key", tmp_path / "ca.crt")
    port, tls_port = new_port(), new_port()
    setup = write_setup(CONFIG, tmp_path / "setup", tls=tls, tls_port=tls_port)
    assert f"listener {tls_port}" in setup.files["conf"].read_text()
    assert "tls_url" in setup.files["credentials"].read_text()
    (tmp_path / "data").mkdir()
    conf = mosquitto_config(port=port, data_dir=tmp_path / "data", tls=tls, tls_port=tls_port,
                            password_file=setup.files["password_file"],
                            acl_file=setup.files["acl_file"])
    broker = MosquittoProcess(tmp_path, conf, port).start()
    try:
        wait_for(lambda: port_open("127.0.0.1", tls_port), what="the TLS listener")
        password = next(u.password for u in setup.users if u.name == "board-hall")
        good = RawClient(port, "board-hall", password, "tls-good", tls_ca=str(tls.ca),
                         tls_port=tls_port)
        wait_for(lambda: good.connected.is_set() or good.disconnected.is_set(),
                 what="a TLS connection")
        assert good.connected.is_set()
        good.subscribe(TOPICS.device_reply("board-hall"))
        good.close()
        # A device app is given the same as one URL.
        url = f"mqtts://board-hall:{quote(password)}@127.0.0.1:{tls_port}?ca={tls.ca}"
        app = DeviceClient(url, SITE, "board-hall", role="board").start()
        try:
            assert app.wait_connected(10)
        finally:
            app.stop()
        untrusted = RawClient(port, "board-hall", password, "tls-bad",
                              tls_ca=str(tmp_path / "other.crt"), tls_port=tls_port)
        time.sleep(1.0)
        assert not untrusted.connected.is_set()
        untrusted.close()
    finally:
        broker.stop()
