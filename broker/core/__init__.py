"""The pure queue engine: queue state, commands, the table of operations, call policy,
estimated wait, and the views of the state in the typed shapes the wire carries (`messages`).
No I/O, no clock of its own, no MQTT, no SQLite.

May import: `config` (the validated center), `msgspec` (the shapes of what the engine takes and
gives: commands' arguments, `messages`) and the standard library; nothing else of ours.
"""
