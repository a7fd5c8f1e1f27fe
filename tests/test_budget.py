"""The work budget: steps in proportion to a document's size, refused past the limit."""

import pytest

from explorer.budget import BASE_STEPS, BudgetExceeded, Unlimited, WorkBudget


def test_the_limit_is_in_proportion_to_the_size():
    assert WorkBudget(1000, per_character=10).limit == 10_000 + BASE_STEPS
    assert WorkBudget(2000, per_character=10).limit - BASE_STEPS == 2 * (WorkBudget(1000, 10).limit - BASE_STEPS)


def test_charging_past_the_limit_names_the_stage():
    budget = WorkBudget(0, per_character=1)
    budget.charge(BASE_STEPS, "cleaning")
    with pytest.raises(BudgetExceeded) as raised:
        budget.charge(1, "making rows")
    assert raised.value.stage == "making rows" and "making rows passed" in str(raised.value)


def test_a_budget_must_allow_some_work():
    with pytest.raises(ValueError):
        WorkBudget(100, per_character=0)


def test_unlimited_counts_and_refuses_nothing():
    budget = Unlimited()
    budget.charge(10**12, "anything")
    assert budget.spent == 10**12
