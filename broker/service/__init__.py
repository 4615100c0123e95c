"""The hub service: the MQTT loop that applies commands (`hub`), its `main`, the SQLite ledger
that makes them durable, the day's reports and the ledger's backup.

May import: `broker.core`, `broker.wire`, `broker.mosquitto` (to start a private broker) and
`config`.
"""
