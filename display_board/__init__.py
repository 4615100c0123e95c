"""The hall display board (who is called to which counter) and the voice that announces it.

`display_board.app.create_board` builds a board in a running Qt application;
`display_board.voice.CallVoice` speaks the calls and needs no Qt, so `qms announcer` runs on a
headless box with speakers.
"""
