"""Issue 15, the guards: what one device can do to the hall is bounded. Each test runs the
real hub through a real Mosquitto started from the files `qms broker setup` writes."""

from __future__ import annotations

import time

import msgspec
import pytest

from broker.mosquitto.setup import MAX_QUEUED_BYTES, mosquitto_config, write_setup
from broker.wire import protocol
from broker.wire.device_client import DeviceClient
from tests.reliability.rel_support import MosquittoProcess, RawClient, new_port
from tests.support import CONFIG, SITE, HubProcess, wait_for

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
