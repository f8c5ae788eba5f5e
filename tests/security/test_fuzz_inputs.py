"""Fuzzing with hypothesis: the understanding layer, the agent and the importer take any input
without crashing; a rejected import leaves the database unchanged."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shopkeeper.agent import Agent
from shopkeeper.errors import ActionError, DataError
from shopkeeper.store.db import open_store
from shopkeeper.store.taubench import import_taubench
from shopkeeper.understanding import Candidate, UnderstandingContext, understand
from tests.store.conftest import table_rows
from tests.store.test_import_export import MINI

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)
CONTEXT = UnderstandingContext(
    items=(
        Candidate(item_id="1001", name="Water Bottle", options={"color": "blue", "capacity": "750ml"}),
        Candidate(item_id="1002", name="Desk Lamp", options={"color": "black"}),
    ),
    product_names=("Water Bottle", "Desk Lamp"),
)
JSONS = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_understanding_takes_any_text(text: str) -> None:
    result = understand(text, CONTEXT)
    assert result.intents or not text.strip()
    assert all(0.0 <= s.confidence <= 1.0 for s in result.intents)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(TEXT)
def test_agent_answers_or_refuses_any_text(text: str) -> None:
    agent = _agent()
    try:
        reply = agent.reply(agent.start(), text)
    except ActionError as exc:
        assert exc.code in ("empty_message", "message_too_long", "invalid_message")
        return
    assert reply.text and "Traceback" not in reply.text


_AGENTS: list[Agent] = []


def _agent() -> Agent:
    if not _AGENTS:
        import tempfile

        folder = Path(tempfile.mkdtemp())
        db = open_store(f"sqlite:///{folder / 'fuzz.db'}")
        import_taubench(db, _write(folder / "mini", MINI))
        _AGENTS.append(Agent(db))
    return _AGENTS[0]


def _write(folder: Path, data: dict[str, object]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in data.items():
        (folder / name).write_text(json.dumps(content))
    return folder


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.sampled_from(["users.json", "orders.json", "products.json"]), JSONS)
def test_importer_rejects_malformed_files_cleanly(tmp_path: Path, name: str, junk: object) -> None:
    db = open_store(f"sqlite:///{tmp_path / 'imp.db'}")
    try:
        before = table_rows(db)
        bad = dict(MINI)
        bad[name] = junk  # type: ignore[assignment]
        try:
            import_taubench(db, _write(tmp_path / "in", bad))
        except DataError:
            assert table_rows(db) == before
    finally:
        db.dispose()
        (tmp_path / "imp.db").unlink(missing_ok=True)
