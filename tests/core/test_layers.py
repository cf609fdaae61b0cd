"""The layers of the apps hold (docs/adr/0021): import-linter's contracts in pyproject.toml."""

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _contracts() -> list[dict]:
    with (ROOT / "pyproject.toml").open("rb") as f:
        return tomllib.load(f)["tool"]["importlinter"]["contracts"]


def test_lint_imports_passes():
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_app_is_a_declared_layer():
    (layers,) = [c for c in _contracts() if c["type"] == "layers"]
    assert layers["exhaustive"] is True
    declared = {name.strip().strip("()") for layer in layers["layers"] for name in layer.split("|")}
    apps = {p.name for p in (ROOT / "tierslieux").iterdir() if (p / "__init__.py").exists()}
    assert apps <= declared
    assert layers["layers"][-1] == "core"
    assert layers["layers"][0] == "workspace"


def test_management_commands_are_forbidden_imports():
    forbidden = [c for c in _contracts() if c["type"] == "forbidden"]
    assert any(
        "tierslieux.*.management.commands.*" in c["forbidden_modules"]
        and c.get("as_packages") is False
        for c in forbidden
    )
