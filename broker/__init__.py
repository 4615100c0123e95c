"""The hub and only the hub. Read the loop from the sub-packages:

- `broker.core`: the pure queue engine (state + command + time in, new state + events out).
- `broker.wire`: what crosses MQTT (topics, typed messages, the device client library).
- `broker.service`: the hub process (MQTT service, SQLite ledger, reports, backup).
- `broker.mosquitto`: the broker the hall runs (private Mosquitto, users, ACL, `qms broker`).

Nothing under `broker/` imports the CLI (`qms`), the Qt kit or an app.
"""
