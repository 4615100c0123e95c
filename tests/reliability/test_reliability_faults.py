"""The short fault injection run (the long one: `python -m tools.fault_injection`): hub
SIGKILLs at random moments under load, a clean broker restart and a broker SIGKILL, cut
device connections; then every reply the devices got is checked against the ledger."""

from __future__ import annotations

from tools.fault_injection import Options, run, table


def test_nothing_given_is_lost_or_given_twice_through_faults(tmp_path):
    figures = run(Options(kills=4, broker_restarts=2, drops=3, seed=7, workdir=tmp_path,
                          load_s=(0.3, 0.9), max_s=120), out=None)
    print(table(figures))
    assert figures.problems == []
    assert (figures.hub_kills, figures.broker_restarts, figures.broker_kills) == (4, 2, 1)
    assert figures.drops > 0
    assert figures.tickets_given >= 10 and figures.ledger_tickets == figures.tickets_given
    assert figures.lost == figures.doubled_numbers == figures.doubly_called == 0
    assert figures.phantom_commands == figures.reply_mismatches == figures.unanswered == 0
    assert figures.state_checks == 7 and figures.state_mismatches == 0
    assert len(figures.board_s) == 7 and max(figures.board_s) <= 2.0
