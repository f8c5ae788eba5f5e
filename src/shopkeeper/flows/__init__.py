"""Deterministic conversation flows: identity, requests and their slots, proposals, information.

Flows decide what happens next from the conversation state and what the understanding layer
proposed; they read the store, consult `policy`, and write only through `actions`.
"""
