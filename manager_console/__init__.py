"""The manager console: the live hall, control of counters and services, reports and the
published rating ranking. `manager_console.app.create_manager_console` builds it."""
