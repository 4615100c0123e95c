"""Hardware drivers: ticket printer, counter LED display, keypad and voice.

Each driver is a small interface with a real backend and a virtual twin that runs anywhere,
chosen by a device string from config (``virtual:...``, ``serial:...``). See docs/hardware.md.
"""
