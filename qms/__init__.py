"""The `qms` command line: one command per device, the hub, the broker, the demo, the bench."""

from broker.wire.version import __version__

__all__ = ["__version__"]
