"""The wire: topics and typed message shapes (`protocol`), the MQTT link, the device client
library every device uses, the clock devices agree on, and the version they announce.

May import: `broker.core` (command names and argument types) and `config`.
"""
