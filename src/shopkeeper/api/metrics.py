"""Prometheus metrics of one app: turns, turn latency, actions by type and outcome, handoffs, errors.

Each app owns its own `CollectorRegistry` (two apps in one process, as in tests, never collide).
`Metrics.record_turn(channel, events, seconds)` reads a finished turn's events; `record_error(code)`
is called by the one error translator. Labels are fixed vocabularies (action names, error codes,
channels), never customer text, so no personal data reaches the metrics.
"""

from __future__ import annotations

from collections.abc import Sequence

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from shopkeeper.events import ActionEvent, Event, HandoffEvent, ProposalEvent, RefusalEvent

__all__ = ["CONTENT_TYPE_LATEST", "Metrics"]

_LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.turns = Counter(
            "shopkeeper_turns", "Customer messages answered", ["channel"], registry=self.registry
        )
        self.latency = Histogram(
            "shopkeeper_turn_seconds",
            "Time to answer one customer message",
            ["channel"],
            buckets=_LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.proposals = Counter(
            "shopkeeper_proposals", "Writes proposed to a customer", ["action"], registry=self.registry
        )
        self.actions = Counter(
            "shopkeeper_actions",
            "Confirmed writes by action and outcome (ok, or the refusal code)",
            ["action", "outcome"],
            registry=self.registry,
        )
        self.refusals = Counter(
            "shopkeeper_refusals",
            "Requests refused before any proposal, by the write they would have been and the policy code",
            ["action", "code"],
            registry=self.registry,
        )
        self.handoffs = Counter(
            "shopkeeper_handoffs", "Conversations handed to a human", registry=self.registry
        )
        self.errors = Counter(
            "shopkeeper_errors", "Requests answered with an error, by code", ["code"], registry=self.registry
        )

    def record_turn(self, channel: str, events: Sequence[Event], seconds: float) -> None:
        self.turns.labels(channel).inc()
        self.latency.labels(channel).observe(seconds)
        for event in events:
            if isinstance(event, ActionEvent):
                self.actions.labels(event.action, "ok" if event.ok else event.code).inc()
            elif isinstance(event, ProposalEvent):
                self.proposals.labels(event.action).inc()
            elif isinstance(event, RefusalEvent):
                self.refusals.labels(event.action, event.code).inc()
            elif isinstance(event, HandoffEvent):
                self.handoffs.inc()

    def record_error(self, code: str) -> None:
        self.errors.labels(code).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)
