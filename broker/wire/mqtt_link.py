"""Making paho-mqtt clients the way every part of the center needs them."""

from __future__ import annotations

import socket
import ssl
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote, urlsplit

import paho.mqtt.client as mqtt


@dataclass(frozen=True, slots=True)
class BrokerAddress:
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    tls: bool = False
    ca_file: str | None = None  # the center's own CA for mqtts://, else the system's

    @property
    def url(self) -> str:
        return f"{'mqtts' if self.tls else 'mqtt'}://{self.host}:{self.port}"


def parse_broker_url(url: str) -> BrokerAddress:
    """`mqtt://[user[:password]@]host[:port]`; `mqtts://` for TLS (port 8883), with
    `?ca=/path/ca.crt` when the broker's certificate is signed by the center's own CA."""
    parts = urlsplit(url if "://" in url else f"mqtt://{url}")
    if parts.scheme not in ("mqtt", "mqtts") or not parts.hostname:
        raise ValueError(f"not a broker address: {url!r} (expected mqtt://host:port)")
    tls = parts.scheme == "mqtts"
    query = parse_qs(parts.query)
    if set(query) - {"ca"} or (query and not tls):
        raise ValueError(f"not a broker address: {url!r} (the only option is ?ca=FILE, "
                         "with mqtts://)")
    return BrokerAddress(
        host=parts.hostname,
        port=parts.port or (8883 if tls else 1883),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        tls=tls,
        ca_file=query["ca"][-1] if "ca" in query else None,
    )


def _no_delay(client: mqtt.Client, userdata: object, sock: socket.socket) -> None:
    # paho leaves Nagle on: measured here, every round trip then costs 40-90 ms.
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def new_client(address: BrokerAddress, client_id: str, *, clean_session: bool,
               manual_ack: bool = False) -> mqtt.Client:
    client = mqtt.Client(
        mqtt.CallbackAPIVersion.VERSION2,
        client_id=client_id,
        clean_session=clean_session,
        protocol=mqtt.MQTTv311,
        manual_ack=manual_ack,
    )
    client.on_socket_open = _no_delay
    client.max_inflight_messages_set(1000)
    client.max_queued_messages_set(0)
    client.reconnect_delay_set(min_delay=1, max_delay=8)
    if address.username:
        client.username_pw_set(address.username, address.password)
    if address.tls:
        client.tls_set(ca_certs=address.ca_file, cert_reqs=ssl.CERT_REQUIRED)
    return client
