"""The kit the Qt apps share (kiosk, counter terminal, rating tablet, hall board, manager
console): the MQTT bridge (`bridge`), garbage collection on the GUI thread (`gc`), the bilingual
string tables and the hub's error words (`texts`), how a wait, a weekday and a duration are
written (`formats`), the bundled fonts (`fonts`), the common command-line options (`options`),
the stop signals (`signals`) and running a window until Ctrl-C (`run`).

It may import `broker.wire`, `config` and `drivers`, but no app and not the CLI (`qms`), so
every app and the demo can import it. `options`, `signals`, `texts` and `formats` load no Qt:
the CLI lists its commands and `qms announcer` runs without it.
"""
