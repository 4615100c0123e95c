"""The broker a hall runs: a managed private Mosquitto (or the embedded one for demos), the
users, passwords and ACL `qms broker setup` writes, and the reference `hall.conf`.

May import: `config`; nothing else of ours.
"""
