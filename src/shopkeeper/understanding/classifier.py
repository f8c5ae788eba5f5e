"""Intent classifier: sentence embeddings plus hashed word features into a softmax linear model
(scikit-learn's multinomial logistic regression).

Trained on the hand-written `examples.yaml` shipped in this package (never on an evaluation set), at
first use, and cached on disk under `<cache_dir>/understanding/`, keyed by a hash of the examples file
and the feature version, so a second process loads weights instead of retraining. Messages with several
requests are split into clauses and each clause is classified too (`classify_message`). When the top
probability is low, an optional fallback callable `(text, choices) -> str` (e.g. an LLM with a
constrained choice list) may pick the intent. This module knows nothing about entities, the store or
the conversation.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import random
import re
import threading
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import numpy.typing as npt
import yaml

from shopkeeper.understanding.intents import TASK_INTENTS, Intent

__all__ = [
    "Fallback",
    "IntentClassifier",
    "IntentGuess",
    "classify_message",
    "classify_messages",
    "get_classifier",
]

Fallback = Callable[[str, Sequence[str]], str]
FloatArray = npt.NDArray[np.float32]

_FEATURE_VERSION = "6"
_HASH_DIM = 1024
_EMB_WEIGHT = 1.0
_HASH_WEIGHT = 0.6
_C = 30.0  # inverse L2 strength, chosen on the Bitext tune half (docs/evaluation.md)
_lock = threading.Lock()
_cached: dict[str, IntentClassifier] = {}


@dataclass(frozen=True)
class IntentGuess:
    """One intent found in a message (or in a clause of it) with the model's probability."""

    intent: Intent
    confidence: float
    span: str
    source: str = "model"


def examples_path() -> Path:
    return Path(str(resources.files("shopkeeper.understanding").joinpath("examples.yaml")))


def load_examples(path: Path | None = None) -> list[tuple[str, Intent]]:
    """The training examples as (text, intent) pairs; unknown intent keys are an error."""
    data = yaml.safe_load((path or examples_path()).read_text(encoding="utf-8"))
    return [(str(text), Intent(key)) for key, texts in data.items() for text in texts]


# ---------------------------------------------------------------- text features

_ORDER_LIKE = re.compile(r"#?\b[A-Za-z]{0,3}\d[\d-]{3,}\b")
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
_WORD = re.compile(r"[a-z0-9']+")


def canonical(text: str) -> str:
    """Replace ids and emails by fixed tokens so the model learns the shape, not the number. The
    email's token says nothing of any intent: "someone@..." read "heya, <email> here" as asking to
    talk to someone."""
    text = _EMAIL.sub(" name@example.com ", text)
    text = _ORDER_LIKE.sub(" #12345 ", text)
    return " ".join(text.split())


def _hashed(texts: Sequence[str]) -> FloatArray:
    out = np.zeros((len(texts), _HASH_DIM), dtype=np.float32)
    for row, text in enumerate(texts):
        words = _WORD.findall(text.lower())
        grams = words + [f"{a}_{b}" for a, b in itertools.pairwise(words)]
        for word in words:  # character 4-grams make the features tolerant to typos
            padded = f"<{word}>"
            grams.extend(f"c:{padded[i : i + 4]}" for i in range(max(1, len(padded) - 3)))
        for gram in grams:
            out[row, zlib.crc32(gram.encode()) % _HASH_DIM] += 1.0
        norm = float(np.linalg.norm(out[row]))
        if norm:
            out[row] /= norm
    return out


def featurize(texts: Sequence[str]) -> FloatArray:
    from shopkeeper.embeddings import encode

    clean = [canonical(t) for t in texts]
    emb = encode(clean) * _EMB_WEIGHT
    return np.hstack([emb, _hashed(clean) * _HASH_WEIGHT, np.ones((len(texts), 1), dtype=np.float32)])


# ---------------------------------------------------------------- augmentation

_OPENERS = ["", "hi, ", "hello, ", "hey ", "good morning, ", "please help, ", "excuse me, ", "hi there! "]
_CLOSERS = ["", " please", " thanks", ", thank you", "?", " asap", "!"]


def _typo(text: str, rng: random.Random) -> str:
    words = text.split()
    long = [i for i, w in enumerate(words) if len(w) > 4 and w.isalpha()]
    if not long:
        return text
    i = rng.choice(long)
    w = words[i]
    j = rng.randrange(1, len(w) - 2)
    words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2 :] if rng.random() < 0.5 else w[:j] + w[j + 1 :]
    return " ".join(words)


# Ways customers frame a request; an example opening with one is also written with another.
_FRAMES = [
    "i want to",
    "i'd like to",
    "i need to",
    "i would like to",
    "how do i",
    "how can i",
    "can i",
    "could you help me",
    "help me",
    "i need help to",
    "where can i",
    "where do i",
    "i have to",
    "can you help me",
    "i'm trying to",
    "what do i have to do to",
    "is it possible to",
    "i need assistance to",
    "tell me how to",
    "i wanna",
]
_FRAME = re.compile(
    r"^(?:" + "|".join(re.escape(f) for f in sorted(_FRAMES, key=len, reverse=True)) + r")\s+", re.I
)


def augment(examples: Sequence[tuple[str, Intent]], seed: int = 7) -> list[tuple[str, Intent]]:
    """Each example, plus a casual variant (opener/closer, lower case), a variant with one typo and, for
    examples opening with a request frame ("I want to ..."), the same request in two other frames."""
    rng = random.Random(seed)
    out: list[tuple[str, Intent]] = []
    for text, intent in examples:
        out.append((text, intent))
        if intent in TASK_INTENTS:
            casual = rng.choice(_OPENERS) + text.rstrip("?.!").lower() + rng.choice(_CLOSERS)
            out.append((casual, intent))
            out.append((_typo(text, rng), intent))
            if m := _FRAME.match(text):
                for frame in rng.sample(_FRAMES, 2):
                    out.append((f"{frame} {text[m.end() :]}", intent))
    return out


# ---------------------------------------------------------------- the model


def _softmax(z: FloatArray) -> FloatArray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    out: FloatArray = (e / e.sum(axis=1, keepdims=True)).astype(np.float32)
    return out


def train_weights(x: FloatArray, y: npt.NDArray[np.int64], classes: int, c: float = _C) -> FloatArray:
    """Multinomial logistic regression (scikit-learn, L-BFGS); returns weights of shape (features,
    classes) for `softmax(x @ w)`. The features end in a constant column, which is the bias."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=c, fit_intercept=False, max_iter=1000)
    model.fit(x, y)
    w = np.zeros((x.shape[1], classes), dtype=np.float32)
    coef = model.coef_.astype(np.float32)
    if len(model.classes_) == 2:  # scikit-learn keeps one row for two classes: softmax of (0, w·x)
        coef = np.vstack([np.zeros_like(coef), coef])
    w[:, model.classes_] = coef.T
    return w


class IntentClassifier:
    """A trained linear model over `featurize` features; `predict` returns probabilities per intent."""

    def __init__(self, weights: FloatArray, labels: Sequence[Intent]) -> None:
        self.weights = weights
        self.labels = list(labels)

    @classmethod
    def train(cls, examples: Sequence[tuple[str, Intent]]) -> IntentClassifier:
        labels = sorted({intent for _, intent in examples})
        data = augment(examples)
        index = {intent: i for i, intent in enumerate(labels)}
        x = featurize([t for t, _ in data])
        y = np.array([index[i] for _, i in data], dtype=np.int64)
        return cls(train_weights(x, y, len(labels)), labels)

    def predict(self, texts: Sequence[str]) -> FloatArray:
        if not texts:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        return _softmax(featurize(texts) @ self.weights)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp.npz")
        np.savez(tmp, weights=self.weights, labels=np.array([str(i) for i in self.labels]))
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> IntentClassifier:
        with np.load(path) as data:
            return cls(data["weights"].astype(np.float32), [Intent(str(s)) for s in data["labels"]])


def _feature_count() -> int:
    from shopkeeper.embeddings import DIMENSION

    return DIMENSION + _HASH_DIM + 1


def _model_key(path: Path) -> str:
    digest = hashlib.sha256(path.read_bytes())
    digest.update(f"{_FEATURE_VERSION}:{_HASH_DIM}:{_EMB_WEIGHT}:{_HASH_WEIGHT}:{_C}".encode())
    return digest.hexdigest()[:16]


def get_classifier(examples: Path | None = None, cache_dir: Path | None = None) -> IntentClassifier:
    """The classifier for an examples file: from this process, else from the disk cache, else trained."""
    path = examples or examples_path()
    key = _model_key(path)
    with _lock:
        if key in _cached:
            return _cached[key]
        if cache_dir is None:
            from shopkeeper.config import load_settings

            cache_dir = load_settings().cache_dir
        file = cache_dir / "understanding" / f"intent-model-{key}.npz"
        model = None
        if file.exists():
            try:
                model = IntentClassifier.load(file)
            except (OSError, ValueError, KeyError):
                model = None  # a damaged cache file is retrained below
            if model is not None and model.weights.shape[0] != _feature_count():
                model = None
        if model is None:
            model = IntentClassifier.train(load_examples(path))
            with contextlib.suppress(OSError):  # a read-only cache only costs retraining next time
                model.save(file)
        _cached[key] = model
        return model


# ---------------------------------------------------------------- whole messages

_NEW_REQUEST = (
    r"i|i'd|i'm|can|could|would|please|also|what|where|how|when|why|is|are|do|does|will"
    r"|cancel|return|exchange|change|update|track|send|ship|refund|modify"
)
_CLAUSE_SPLIT = re.compile(
    r"(?<=[.!?;])\s+|\s*\n+\s*"
    rf"|,?\s+(?:and\s+also|and\s+then|plus|and(?=\s+(?:{_NEW_REQUEST})\b)"
    r"|but(?=\s+(?:i|i'd|can|could|please|also|what|where|how)\b))\s+"
    r"|,\s*also,?\s+",
    re.IGNORECASE,
)


_ITEM_CHANGES = (Intent.MODIFY_ITEMS, Intent.EXCHANGE_ITEMS)


def split_clauses(text: str) -> list[str]:
    """Split a message where a new request may start (sentence ends, 'and also', 'and can you' ...)."""
    parts = [p.strip(" ,") for p in _CLAUSE_SPLIT.split(text) if p and p.strip(" ,")]
    return parts or [text.strip()]


def classify_message(
    text: str,
    classifier: IntentClassifier,
    fallback: Fallback | None = None,
    threshold: float = 0.5,
    fallback_below: float = 0.35,
) -> list[IntentGuess]:
    """Intents of a message, primary first: the whole message's best guess, then other requests found in
    clauses (task intents over `threshold`), in reading order. Low confidence may defer to `fallback`."""
    return classify_messages([text], classifier, fallback, threshold, fallback_below)[0]


def classify_messages(
    texts: Sequence[str],
    classifier: IntentClassifier,
    fallback: Fallback | None = None,
    threshold: float = 0.5,
    fallback_below: float = 0.35,
) -> list[list[IntentGuess]]:
    """`classify_message` for many messages, featurised in one batch."""
    rows: list[str] = []
    plans: list[tuple[int, list[str]]] = []
    for text in texts:
        clauses = split_clauses(text)
        clauses = clauses if len(clauses) > 1 else []
        plans.append((len(rows), clauses))
        rows.extend([text, *clauses])
    probs = classifier.predict(rows)
    return [
        _decide(
            text, probs[at : at + 1 + len(clauses)], clauses, classifier, fallback, threshold, fallback_below
        )
        for text, (at, clauses) in zip(texts, plans, strict=True)
    ]


def _decide(
    text: str,
    probs: FloatArray,
    clauses: list[str],
    classifier: IntentClassifier,
    fallback: Fallback | None,
    threshold: float,
    fallback_below: float,
) -> list[IntentGuess]:
    best = int(probs[0].argmax())
    guesses = [IntentGuess(classifier.labels[best], float(probs[0, best]), text)]
    family = [classifier.labels.index(i) for i in _ITEM_CHANGES if i in classifier.labels]
    for clause, row in zip(clauses, probs[1:], strict=True):
        i = int(row.argmax())
        intent = classifier.labels[i]
        # Changing an item of a pending order and exchanging a delivered one are one request to the
        # flows (the order's status decides); a clause split between the two is still that request.
        confidence = float(row[family].sum()) if i in family else float(row[i])
        if intent == guesses[0].intent and guesses[0].span == text:  # the primary request's own words
            guesses[0] = IntentGuess(intent, guesses[0].confidence, clause)
        elif confidence >= threshold and not any(g.intent == intent for g in guesses):
            guesses.append(IntentGuess(intent, confidence, clause))
    # A greeting around a request: the request is what matters.
    tasks = [g for g in guesses if g.intent in TASK_INTENTS]
    if guesses[0].intent not in TASK_INTENTS and tasks:
        guesses = tasks + [g for g in guesses if g.intent not in TASK_INTENTS]
    if fallback is not None and guesses[0].confidence < fallback_below:
        labels = [str(i) for i in classifier.labels]
        choice = fallback(text, labels).strip().lower()
        if choice in labels:
            picked = Intent(choice)
            rest = [g for g in guesses if g.intent != picked]
            guesses = [IntentGuess(picked, guesses[0].confidence, text, source="fallback"), *rest]
    return guesses
