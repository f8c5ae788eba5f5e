"""One router per resource: conversations, the OpenAI-compatible endpoint, health, the web chat."""
