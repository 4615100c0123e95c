"""The wire: topics and typed message shapes (`protocol`), the MQTT link, the device client
library every device uses, the clock devices agree on, and the version they announce.

May import: `broker.core` (the table of operations, their argument types, and the shapes of
the queue's state, which `protocol` hands on to devices) and `config`.
"""
