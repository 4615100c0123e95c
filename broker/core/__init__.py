"""The pure queue engine: queue state, commands, the transition table, call policy, estimated
wait and the views of the state. No I/O, no clock of its own, no MQTT, no SQLite.

May import: `config` (the validated center) and the standard library; nothing else of ours.
"""
