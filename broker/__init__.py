"""The hub: queue engine, ledger, MQTT service, broker setup, and the device client library."""
