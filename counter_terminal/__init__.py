"""The officer's counter terminal (screen, keypad, LED display) and the desk's rating tablet.

`qms counter` runs the terminal, `qms tablet` the tablet; `counter_terminal.app` has the
factories that build either inside a QApplication someone else owns (the demo).
"""
