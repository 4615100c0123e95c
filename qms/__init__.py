"""The `qms` command: one entry point for the hub and every device app."""

__version__ = "0.1.0"
