"""The kit's words and forms: one string-table lookup, one wait, one weekday, one duration,
and the options every device app takes."""

from __future__ import annotations

import argparse
from datetime import date

import pytest

from qtkit.formats import duration, wait_text, weekday
from qtkit.options import add_device_options
from qtkit.texts import Texts, error_text

TEMPLATES = {"soon": "under {minutes} min", "minutes": "{low}-{high} min",
             "hours": "{low}-{high} h", "no_counter": "no counter"}


def test_a_table_gives_vietnamese_unless_english_is_asked():
    table = Texts({"ahead": ("Trước ông/bà còn {count} người", "{count} people ahead")})
    assert table.t("ahead", "vi", count=3) == "Trước ông/bà còn 3 người"
    assert table.t("ahead", "en", count=3) == "3 people ahead"
    assert table.t("ahead", "fr", count=3) == "Trước ông/bà còn 3 người"
    assert "ahead" in table and "behind" not in table
    with pytest.raises(KeyError):
        table.t("behind", "vi")


def test_error_words_and_a_code_the_apps_do_not_know():
    assert error_text("queue_empty", "en") == "No one is waiting"
    assert error_text("queue_empty") == "Không còn ai đang chờ"
    assert error_text("from_a_newer_hub", "en") == "Something went wrong"


@pytest.mark.parametrize(("told", "said"), [
    (None, "no counter"), ((0, 0), "under 1 min"), ((0, 60), "under 1 min"),
    ((0, 300), "under 5 min"), ((600, 1200), "10-20 min"), ((3600, 4800), "60-80 min"),
    ((7200, 10800), "2-3 h"), ((3600, 10800), "1-3 h"), ((5400, 7800), "90-130 min"),
    # Not in whole minutes (the hub sends whole steps): widened to them, never narrowed.
    ((61, 119), "1-2 min"), ((600, 600), "10-11 min"), ((0, 10800), "under 180 min"),
])
def test_a_wait_is_a_range_in_whole_steps_or_no_promise(told, said):
    assert wait_text(told, **TEMPLATES) == said


def test_weekdays_in_both_languages():
    monday, sunday = date(2026, 12, 7), date(2026, 12, 13)
    assert (weekday(monday, "vi"), weekday(monday, "en")) == ("Thứ Hai", "Monday")
    assert (weekday(sunday, "vi"), weekday(sunday, "en")) == ("Chủ Nhật", "Sunday")


def test_durations_read_as_a_clock():
    assert [duration(s) for s in (None, -5, 0, 4.4, 75, 599.6, 3600, 3723)] == [
        "—", "0:00", "0:00", "0:04", "1:15", "10:00", "1:00:00", "1:02:03"]


def test_the_device_options():
    parser = argparse.ArgumentParser()
    add_device_options(parser, device="kiosk-1")
    defaults = parser.parse_args([])
    assert vars(defaults) == {"device": "kiosk-1", "broker": "mqtt://127.0.0.1:1883",
                              "site": "longan", "lang": "vi", "fullscreen": False}
    given = parser.parse_args(["--device", "kiosk-2", "--broker", "mqtt://hub:1883", "--site",
                               "hcm", "--lang", "en", "--fullscreen"])
    assert (given.device, given.broker, given.site, given.lang, given.fullscreen) == (
        "kiosk-2", "mqtt://hub:1883", "hcm", "en", True)
    with pytest.raises(SystemExit):
        parser.parse_args(["--lang", "fr"])

    voice_only = argparse.ArgumentParser()
    add_device_options(voice_only, device="announcer-1", fullscreen=False)
    assert "fullscreen" not in vars(voice_only.parse_args([]))
