"""What the pages show, from retained state, without a broker: people ahead (exact in the
listed queue, estimated beyond it), the expected wait, the rating form's window, the public
ranking's rules, and the events that move a followed ticket."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from broker.wire import protocol
from broker.wire.protocol import QueuedTicket, ServiceState
from tests.support import CONFIG
from web import pages, views
from web.live import LiveCenter, TicketNow, _moved

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 12, 3, 9, 0, tzinfo=TZ)


class FakeClient:
    """The device client as the web face reads it: a cache of retained messages."""

    def __init__(self, services: dict[str, ServiceState]) -> None:
        self.topics = protocol.Topics(CONFIG.center.site)
        self.config = CONFIG
        self.services = services
        self.hub_online = True

        class _Connected:
            @staticmethod
            def is_set() -> bool:
                return True

        self.connected = _Connected()

    def cached(self, topic: str):
        parsed = self.topics.parse(topic)
        return self.services.get(parsed.key) if parsed else None

    def on_state(self, listener):
        return lambda: None

    def on_events(self, callback):
        return lambda: None

    def on_connection(self, listener) -> None:
        pass


def live_with(service: ServiceState) -> LiveCenter:
    return LiveCenter(FakeClient({service.id: service}), clock=lambda: NOW)  # type: ignore[arg-type]


def ticket(number: str, *, state: str = "waiting", priority: bool = False,
           ahead: int | None = None) -> TicketNow:
    return TicketNow(token="T" * 16, id=f"20261203-datdai-{number}", number=number,
                     service="datdai", state=state, priority=priority, ahead_at_lookup=ahead)


def queue(first: int, count: int, priority: set[int] = frozenset()) -> list[QueuedTicket]:
    return [QueuedTicket(id=f"20261203-datdai-{n}", number=str(n), priority=n in priority)
            for n in range(first, first + count)]


def test_people_ahead_exact_in_the_listed_queue_and_the_wait_scaled_to_the_place():
    state = ServiceState(id="datdai", waiting=5, counters_open=2, ewt_s=1200,
                         last_issued="2005", queue=queue(2001, 5, priority={2004}))
    live = live_with(state)
    page = views.ticket_page(live, CONFIG, ticket("2003"), "vi")
    assert (page.ahead, page.ahead_estimated) == (2, False)
    assert page.ewt_s == round(1200 * 3 / 6)
    # A priority ticket counts only the priority tickets before it.
    assert views.ticket_page(live, CONFIG, ticket("2004", priority=True), "vi").ahead == 0
    html = pages.ticket_main(page, "T" * 16, "vi")
    assert 'id="ahead">2<' in html and "khoảng 10 phút" in html


def test_beyond_the_listed_fifty_the_people_ahead_are_estimated():
    # 300 waiting, 2001..2300; the state lists the first 50. Ticket 2200: 100 issued after it.
    state = ServiceState(id="datdai", waiting=300, counters_open=1, ewt_s=30000,
                         last_issued="2300", queue=queue(2001, 50))
    page = views.ticket_page(live_with(state), CONFIG, ticket("2200"), "vi")
    assert (page.ahead, page.ahead_estimated) == (199, True)
    assert "khoảng 199" in pages.ticket_main(page, "T" * 16, "vi")


def test_no_wait_is_promised_without_an_open_counter():
    state = ServiceState(id="datdai", waiting=1, counters_open=0, ewt_s=720,
                         last_issued="2001", queue=queue(2001, 1))
    page = views.ticket_page(live_with(state), CONFIG, ticket("2001"), "en")
    assert page.ewt_s is None
    assert "Not known yet" in pages.ticket_main(page, "T" * 16, "en")


def test_events_move_a_followed_ticket_and_open_then_close_the_rating():
    followed = ticket("2001")
    at = NOW - timedelta(seconds=30)
    called = _moved(followed, protocol.Event(kind="ticket.called", at=at, ticket=followed.id,
                                             counter="5", counter_number=5), CONFIG)
    assert (called.state, called.counter_number) == ("called", 5)
    state = ServiceState(id="datdai")
    live = live_with(state)
    assert "Mời đến quầy 5" in pages.ticket_main(views.ticket_page(live, CONFIG, called, "vi"),
                                                 "T" * 16, "vi")
    done = _moved(called, protocol.Event(kind="ticket.done", at=at, ticket=followed.id), CONFIG)
    page = views.ticket_page(live, CONFIG, done, "vi")
    assert page.can_rate and page.rating_until == at + timedelta(seconds=CONFIG.rating.window_s)
    assert [level.score for level in page.rating_levels] == [4, 3, 2, 1]
    late = _moved(called, protocol.Event(kind="ticket.done", at=NOW - timedelta(hours=1),
                                         ticket=followed.id), CONFIG)
    assert not views.ticket_page(live, CONFIG, late, "vi").can_rate
    rated = _moved(done, protocol.Event(kind="rating.recorded", at=NOW, ticket=followed.id),
                   CONFIG)
    assert "Cảm ơn" in pages.ticket_main(views.ticket_page(live, CONFIG, rated, "vi"), "x", "vi")


def test_the_public_ranking_ranks_only_with_enough_ratings_and_names_no_rater():
    counts = {"officer": {"hve": [0, 0, 1, 5], "ntl": [0, 0, 0, 2], "dmg": [3, 1, 1, 1]},
              "counter": {"5": [0, 0, 1, 5]}, "department": {}}
    ranking = views.ranking(CONFIG, counts, "month", date(2026, 12, 1), date(2026, 12, 3),
                            "vi", min_ratings=5)
    rows = [(r.key, r.rank, r.ratings, r.mean_score) for r in ranking.officers]
    assert rows == [("hve", 1, 6, 3.83), ("dmg", 2, 6, 2.0), ("ntl", None, 2, 4.0)]
    assert ranking.counters[0].name == "Quầy 5"
    html = pages.ranking_main(ranking, "month", "vi", True)
    assert "chưa đủ" in html and "Chưa có đánh giá" in html  # no department rated yet


def test_periods():
    today = date(2026, 11, 23)
    assert views.period_range("today", today) == (today, today)
    assert views.period_range("month", today) == (date(2026, 11, 1), today)
    assert views.period_range("quarter", today) == (date(2026, 10, 1), today)


def test_a_board_zone_shows_its_counters_only():
    live = live_with(ServiceState(id="datdai"))
    board = views.board_now(live, CONFIG, "vi", views.board_zone("1-3"))
    assert [c.number for c in board.counters] == [1, 2, 3]
    assert views.board_zone("3-1") is None and views.board_zone("") is None
    html = pages.layout(CONFIG, "vi", title="b", body="", path="/bang?quay=1-3")
    assert 'href="/bang?quay=1-3&amp;lang=en"' in html


def test_the_published_openapi_document_is_current():
    from web.export_openapi import OUT, text

    assert OUT.read_text(encoding="utf-8") == text(), (
        "docs/web-openapi.json is stale: run python -m web.export_openapi")
