"""Evaluation as a product feature: simulated customers from tau-bench tasks (one that reads only the
reply text, the honest figure; one that reads events, the regression check), YAML scenarios, and
scorers that look only at outcomes (final store state, facts stated, actions taken).

Nothing is imported eagerly beyond light modules; the agent is passed in by a factory.
"""

from shopkeeper.evaluation.conversation import (
    AgentLike,
    Conversation,
    CustomerLike,
    TextCustomerLike,
    converse,
)
from shopkeeper.evaluation.customer import STYLES, SimulatedCustomer, Style
from shopkeeper.evaluation.goals import Goal, goal_from_tau, proposal_matches
from shopkeeper.evaluation.profile import CustomerView, load_view
from shopkeeper.evaluation.report import CaseResult, Report, render
from shopkeeper.evaluation.storediff import compare_to_expected, snapshot
from shopkeeper.evaluation.text_customer import TEXT_STYLES, TextCustomer, TextStyle

__all__ = [
    "STYLES",
    "TEXT_STYLES",
    "AgentLike",
    "CaseResult",
    "Conversation",
    "CustomerLike",
    "CustomerView",
    "Goal",
    "Report",
    "SimulatedCustomer",
    "Style",
    "TextCustomer",
    "TextCustomerLike",
    "TextStyle",
    "compare_to_expected",
    "converse",
    "goal_from_tau",
    "load_view",
    "proposal_matches",
    "render",
    "snapshot",
]
