"""The subset of JSON Schema that constrained output supports, with a checker and a validator.

Supported: `object` (with `properties`; every property is produced, in the order given), `string`
(optional `enum`, `maxLength`), `integer` / `number` (non-negative integers), `boolean`, `array`
(with `items`, optional `maxItems`), and `enum` on its own. `required` and `additionalProperties`
are accepted and ignored by generation (all properties are produced, no others). Anything else
(`anyOf`, `$ref`, `pattern`, ...) raises `ValueError` at the call site, before any model runs.
This module knows nothing about models or tokens.
"""

from __future__ import annotations

from typing import Any

__all__ = ["check_supported", "describe", "validate"]

_IGNORED = {"type", "properties", "required", "additionalProperties", "items", "maxItems", "minItems"}
_IGNORED |= {"enum", "maxLength", "minLength", "description", "title", "default", "minimum", "maximum"}
_TYPES = {"object", "string", "integer", "number", "boolean", "array"}


def check_supported(schema: dict[str, Any], where: str = "$") -> None:
    """Raise ValueError naming the first unsupported construct."""
    if not isinstance(schema, dict):
        raise ValueError(f"{where}: a schema must be an object")
    unknown = sorted(set(schema) - _IGNORED)
    if unknown:
        raise ValueError(f"{where}: unsupported JSON Schema keyword(s) {unknown}")
    if "enum" in schema:
        values = schema["enum"]
        if not isinstance(values, list) or not values:
            raise ValueError(f"{where}: enum must be a non-empty list")
        return
    kind = schema.get("type")
    if kind not in _TYPES:
        raise ValueError(f"{where}: type must be one of {sorted(_TYPES)}, not {kind!r}")
    if kind == "object":
        props = schema.get("properties")
        if not isinstance(props, dict) or not props:
            raise ValueError(f"{where}: an object needs non-empty properties")
        for key, sub in props.items():
            check_supported(sub, f"{where}.{key}")
    elif kind == "array":
        check_supported(schema.get("items", {"type": "string"}), f"{where}[]")


def validate(value: Any, schema: dict[str, Any], where: str = "$") -> list[str]:
    """Problems with `value` against `schema` (empty when it conforms)."""
    if "enum" in schema:
        return [] if value in schema["enum"] else [f"{where}: {value!r} is not one of {schema['enum']}"]
    kind = schema.get("type")
    problems: list[str] = []
    if kind == "object":
        if not isinstance(value, dict):
            return [f"{where}: expected an object"]
        props: dict[str, Any] = schema["properties"]
        for key in schema.get("required", list(props)):
            if key not in value:
                problems.append(f"{where}: missing {key!r}")
        for key, sub in props.items():
            if key in value:
                problems += validate(value[key], sub, f"{where}.{key}")
    elif kind == "array":
        if not isinstance(value, list):
            return [f"{where}: expected an array"]
        for i, item in enumerate(value):
            problems += validate(item, schema.get("items", {"type": "string"}), f"{where}[{i}]")
    elif kind == "string":
        if not isinstance(value, str):
            problems.append(f"{where}: expected a string")
    elif kind in ("integer", "number"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            problems.append(f"{where}: expected a number")
        elif kind == "integer" and not float(value).is_integer():
            problems.append(f"{where}: expected an integer")
    elif kind == "boolean" and not isinstance(value, bool):
        problems.append(f"{where}: expected true or false")
    return problems


def describe(schema: dict[str, Any]) -> str:
    """A compact, human-readable shape of the expected JSON, for prompts (`{"intent": one of ...}`)."""
    if "enum" in schema:
        return " | ".join(repr(v) if not isinstance(v, str) else f'"{v}"' for v in schema["enum"])
    kind = schema.get("type")
    if kind == "object":
        inner = ", ".join(f'"{k}": {describe(v)}' for k, v in schema["properties"].items())
        return "{" + inner + "}"
    if kind == "array":
        return "[" + describe(schema.get("items", {"type": "string"})) + ", ...]"
    return str(kind)
