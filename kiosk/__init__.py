"""The take-a-number kiosk: a department, a service, a printed ticket.

`kiosk.app.create_kiosk(client, ...)` builds one in an existing Qt process; `qms kiosk` runs one
on its own. Nothing here imports Qt, so `qms` can list the command without loading it.
"""
