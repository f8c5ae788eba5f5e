"""Which clauses of a message ask something, as shoppers write them: opened with "actually" or "um",
and a request joined to a question by "and can you"."""

from __future__ import annotations

import pytest

from shopkeeper.understanding.questions import question_clauses


@pytest.mark.parametrize(
    ("text", "clauses"),
    [
        (
            "whats the status of my blender and can i change the shipping address to 9 Elm St, Austin TX 78701",
            (
                "whats the status of my blender",
                "can i change the shipping address to 9 Elm St, Austin TX 78701",
            ),
        ),
        (
            "where is my order and could you also cancel the kite",
            ("where is my order", "could you also cancel the kite"),
        ),
        (
            "actually whats the cheapest bike helmet you have",
            ("actually whats the cheapest bike helmet you have",),
        ),
        ("um where is it", ("um where is it",)),
        ("cancel my order and refund it", ()),
    ],
)
def test_question_clauses(text: str, clauses: tuple[str, ...]) -> None:
    assert question_clauses(text) == clauses
