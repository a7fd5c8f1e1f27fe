"""The work one document may cost, counted in steps rather than seconds.

Every stage that reads a document (decoding, cleaning, splitting, dating,
attributing actors, making rows) charges the steps it takes to the document's
`WorkBudget`: about one step per character it scans, plus a few per thing it
finds. The limit is proportional to the document's length, so no document may
cost more than in proportion to its size, and whether a document is kept does not
depend on how busy the machine is. A document over its budget stops at the stage
that overran it and is reported by name, with the stage; the others are kept.
"""

from __future__ import annotations

STEPS_PER_CHARACTER = 120  # the default limit: ordinary news takes a fraction of it (see README)
BASE_STEPS = 200_000  # so that a short note is never refused


class BudgetExceeded(Exception):
    """A document needed more work than its budget allows."""

    def __init__(self, stage: str, spent: int, limit: int):
        super().__init__(f"needs more work than its size allows ({stage} passed {limit:,} steps)")
        self.stage, self.spent, self.limit = stage, spent, limit


class WorkBudget:
    """Steps one document may take: `per_character` for each character, plus a base."""

    def __init__(self, characters: int, per_character: float = STEPS_PER_CHARACTER):
        if per_character <= 0:
            raise ValueError("a budget must be more than 0 steps a character")
        self.limit = int(per_character * characters) + BASE_STEPS
        self.spent = 0

    def charge(self, steps: int, stage: str) -> None:
        self.spent += steps
        if self.spent > self.limit:
            raise BudgetExceeded(stage, self.spent, self.limit)


class Unlimited(WorkBudget):
    """Counts the steps, refuses none (`python -m explorer dates`, the benchmarks)."""

    def __init__(self):
        self.limit = None
        self.spent = 0

    def charge(self, steps: int, stage: str) -> None:
        self.spent += steps
