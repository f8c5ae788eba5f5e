"""`store/` sits at the bottom of the import graph: nothing under src/shopkeeper/store/ imports code
above the store seam (actions, agent, flows, config, API, CLI ...).

Parsed, not imported: every `import` / `from ... import` in every module, at any depth (a lazy import
inside a function is still a dependency). Relative imports are resolved against the module's package.
- Modules of `store/` itself may import the standard library, third-party packages,
  `shopkeeper.domain`, `shopkeeper.errors` and `shopkeeper.store.*`.
- A connector folder (`store/<platform>/`, e.g. `store/medusa/`) may import only
  `shopkeeper.domain`, `shopkeeper.errors`, `shopkeeper.store.backend` and its own folder: it knows its
  platform and the seam, not the built-in SQL store.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

STORE = Path(__file__).resolve().parents[2] / "src" / "shopkeeper" / "store"
BELOW_THE_SEAM = ("shopkeeper.domain", "shopkeeper.errors")
NOT_CONNECTORS = {"migrations", "demo_docs", "__pycache__"}


def _module_name(path: Path) -> str:
    parts = path.relative_to(STORE.parent.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in `path`."""
    package = _module_name(path) if path.name == "__init__.py" else _module_name(path).rsplit(".", 1)[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join([*base, node.module] if node.module else base)
            else:
                name = node.module or ""
            found.append((node.lineno, name))
    return found


def _within(name: str, allowed: tuple[str, ...]) -> bool:
    return any(name == a or name.startswith(a + ".") for a in allowed)


def _violations(path: Path) -> list[str]:
    rel = path.relative_to(STORE)
    connector = len(rel.parts) > 1 and rel.parts[0] not in NOT_CONNECTORS
    if connector:
        allowed = (*BELOW_THE_SEAM, "shopkeeper.store.backend", f"shopkeeper.store.{rel.parts[0]}")
    else:
        allowed = (*BELOW_THE_SEAM, "shopkeeper.store")
    return [
        f"store/{rel}:{line} imports {name}"
        for line, name in _imports(path)
        if (name == "shopkeeper" or name.startswith("shopkeeper.")) and not _within(name, allowed)
    ]


def test_store_imports_nothing_above_the_seam() -> None:
    modules = sorted(STORE.rglob("*.py"))
    assert len(modules) > 10 and any("medusa" in m.parts for m in modules)
    problems = [v for m in modules for v in _violations(m)]
    assert problems == [], "store/ must import only domain, errors and store modules:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    ("where", "source", "bad"),
    [
        ("db.py", "from shopkeeper.config import load_settings\n", True),
        ("db.py", "def f():\n    import shopkeeper.actions\n", True),
        ("db.py", "from shopkeeper.store.schema import Base\n", False),
        ("medusa/x.py", "from shopkeeper.store.repository import get_order\n", True),
        ("medusa/x.py", "from . import client\nfrom ..backend import order_not_found\n", False),
        ("medusa/x.py", "from ..sql import SqlStore\n", True),
        ("medusa/x.py", "import httpx\nfrom shopkeeper.domain import Order\n", False),
    ],
)
def test_the_checker_tells_allowed_from_forbidden(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str, source: str, bad: bool
) -> None:
    store = tmp_path / "shopkeeper" / "store"
    (store / "medusa").mkdir(parents=True)
    (store / where).write_text(source)
    monkeypatch.setattr(f"{__name__}.STORE", store)
    assert bool(_violations(store / where)) is bad
