"""Ensure every branch of the opening decision answers as its comment says (pure, no files).

The CLI tests (test_swap.py) show the same cases end to end; this table shows each branch on
its own, including those a test cannot easily provoke on a real disk (a power cut between
the creation steps, a commit whose seal was lost).
"""

from __future__ import annotations

import pytest

from counter_app.journal import guard
from counter_app.journal.anchor import DAMAGED, MISSING, VALID, Seal
from counter_app.journal.guard import (ADOPT, CREATE, OPEN, REFUSE, Facts, JournalFacts,
                                       Verdict, decide)

G = "0" * 64
SEAL = Seal("J1", 5, "h5")
CREATING = Seal("J1", 0, G, creating=True)
AT_5 = JournalFacts("J1", 5, "h5")

CASES = [
    # (what, facts, verdict)
    ("new data dir", Facts("missing", "missing", MISSING), Verdict(CREATE)),
    ("creation cut short before the first seal",
     Facts("missing", "anchored", MISSING), Verdict(CREATE)),
    ("creation cut short after the first seal",
     Facts("missing", "anchored", VALID, CREATING), Verdict(CREATE)),
    ("journal deleted", Facts("missing", "anchored", VALID, SEAL),
     Verdict(REFUSE, guard.DELETED)),
    ("journal and key deleted, anchor left",
     Facts("missing", "missing", DAMAGED), Verdict(REFUSE, guard.DELETED)),
    ("everything deleted but the province knows",
     Facts("missing", "missing", MISSING, acked_seq=3), Verdict(REFUSE, guard.DELETED)),
    ("legacy data dir whose journal was deleted",
     Facts("missing", "legacy", MISSING), Verdict(REFUSE, guard.DELETED)),
    ("journal without its key", Facts("present", "missing", DAMAGED),
     Verdict(REFUSE, guard.NO_KEY)),
    ("legacy data dir", Facts("present", "legacy", MISSING, None, AT_5), Verdict(ADOPT)),
    ("legacy data dir behind the province",
     Facts("present", "legacy", MISSING, None, AT_5, acked_seq=9),
     Verdict(REFUSE, guard.BEHIND_PROVINCE)),
    ("anchor removed", Facts("present", "anchored", MISSING, None, AT_5),
     Verdict(REFUSE, guard.ANCHOR_MISSING)),
    ("anchor altered", Facts("present", "anchored", DAMAGED, None, AT_5),
     Verdict(REFUSE, guard.ANCHOR_DAMAGED)),
    ("zero-byte file", Facts("empty", "anchored", VALID, SEAL),
     Verdict(REFUSE, guard.EMPTIED)),
    ("zero-byte file while a creation is finished",
     Facts("empty", "anchored", VALID, CREATING), Verdict(OPEN)),
    ("file without a journal in it",
     Facts("present", "anchored", VALID, SEAL, JournalFacts(None, 0, G)),
     Verdict(REFUSE, guard.EMPTIED)),
    ("another chain", Facts("present", "anchored", VALID, SEAL, JournalFacts("J2", 9, "x")),
     Verdict(REFUSE, guard.FOREIGN)),
    ("emptied chain", Facts("present", "anchored", VALID, SEAL, JournalFacts("J1", 0, G)),
     Verdict(REFUSE, guard.EMPTIED)),
    ("older copy", Facts("present", "anchored", VALID, SEAL, JournalFacts("J1", 3, "h3")),
     Verdict(REFUSE, guard.OLDER)),
    ("same length, other head",
     Facts("present", "anchored", VALID, SEAL, JournalFacts("J1", 5, "other")),
     Verdict(REFUSE, guard.DIVERGED)),
    ("ahead, not from the sealed head",
     Facts("present", "anchored", VALID, SEAL, JournalFacts("J1", 6, "h6", "other")),
     Verdict(REFUSE, guard.DIVERGED)),
    ("ahead by a commit whose seal was lost",
     Facts("present", "anchored", VALID, SEAL, JournalFacts("J1", 6, "h6", "h5")),
     Verdict(OPEN)),
    ("at the anchor", Facts("present", "anchored", VALID, SEAL, AT_5), Verdict(OPEN)),
    ("at the anchor, behind the province",
     Facts("present", "anchored", VALID, SEAL, AT_5, acked_seq=6),
     Verdict(REFUSE, guard.BEHIND_PROVINCE)),
    ("at the anchor, the province as far", Facts("present", "anchored", VALID, SEAL, AT_5,
                                                 acked_seq=5), Verdict(OPEN)),
    ("legacy key, anchor already sealed (a migration cut short)",
     Facts("present", "legacy", VALID, SEAL, AT_5), Verdict(OPEN)),
]


@pytest.mark.parametrize("facts, verdict", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_the_decision(facts, verdict):
    assert decide(facts) == verdict


def test_every_refusal_says_what_was_found_and_the_way_out(tmp_path):
    refusals = [(c[1], c[2].reason) for c in CASES
                if c[2].action == REFUSE and c[2].reason != guard.NO_KEY]
    assert {r for _, r in refusals} == {guard.DELETED, guard.EMPTIED, guard.OLDER,
                                        guard.BEHIND_PROVINCE, guard.FOREIGN, guard.DIVERGED,
                                        guard.ANCHOR_MISSING, guard.ANCHOR_DAMAGED}
    for facts, reason in refusals:
        message = guard.refusal_message(reason, facts, tmp_path / "journal.db",
                                        tmp_path / "x.anchor")
        assert "counter-app journal restore" in message and "None" not in message, message
