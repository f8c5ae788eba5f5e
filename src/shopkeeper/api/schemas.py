"""Request and response bodies, split by direction: `*Create` come in, `*Public` go out.

Public models expose only what a client may see (no conversation state, no lease, no customer id).
The OpenAI-compatible bodies follow the chat-completions wire format; unknown request fields
(temperature, top_p, ...) are accepted and ignored, as other compatible servers do.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from shopkeeper.agent import MAX_MESSAGE_CHARS
from shopkeeper.events import Event

__all__ = [
    "ChatChoicePublic",
    "ChatCompletionCreate",
    "ChatCompletionPublic",
    "ChatMessage",
    "ConversationCreate",
    "ConversationPublic",
    "ErrorPublic",
    "MessageCreate",
    "ReplyPublic",
    "TranscriptPublic",
    "TurnPublic",
]

# ---- in ------------------------------------------------------------------------------------------


class ConversationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    channel: str = Field(
        "api", pattern=r"^[a-z0-9_-]{1,40}$", description="Where the customer is: api, web ..."
    )


class MessageCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS, description="The customer's message")
    request_id: str | None = Field(
        None,
        min_length=1,
        max_length=200,
        description="Client-chosen id; a retry with the same id returns the first answer, not a second turn",
    )


class _ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: str
    text: str | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[_ContentPart] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "\n".join(p.text or "" for p in self.content if p.type == "text")
        return self.content or ""


class ChatCompletionCreate(BaseModel):
    model_config = ConfigDict(extra="allow")

    model: str = Field("shopkeeper", max_length=200)
    messages: list[ChatMessage] = Field(min_length=1, max_length=500)
    stream: bool = False
    user: str | None = Field(
        None,
        min_length=1,
        max_length=200,
        description="Keys the conversation when no X-Conversation-Id is sent",
    )


# ---- out -----------------------------------------------------------------------------------------


class ErrorDetail(BaseModel):
    code: str
    message: str
    type: str


class ErrorPublic(BaseModel):
    error: ErrorDetail


class ConversationPublic(BaseModel):
    id: str


class ReplyPublic(BaseModel):
    reply: str
    events: list[Event]
    handoff: bool


class TurnPublic(BaseModel):
    seq: int
    role: str
    text: str
    events: list[dict[str, Any]]
    at: str


class TranscriptPublic(BaseModel):
    id: str
    status: str
    turns: list[TurnPublic]


class _AssistantMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class ChatChoicePublic(BaseModel):
    index: int = 0
    message: _AssistantMessage
    finish_reason: Literal["stop"] = "stop"


class _Usage(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


class ChatCompletionPublic(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[ChatChoicePublic]
    usage: _Usage = Field(default_factory=_Usage)
    conversation_id: str = Field(description="Send it back as X-Conversation-Id to continue")
    events: list[Event] = Field(default_factory=list)
