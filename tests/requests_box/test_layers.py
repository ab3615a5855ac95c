"""Imports go one way: intake calls the domain, nothing in the domain calls intake back.

Every import of the package is read from the source (imports inside functions included), so a lazy
import cannot hide a loop."""

import ast
from pathlib import Path

import requests_box

PACKAGE = Path(requests_box.__file__).resolve().parent
# The edges: they may use intake (a view releasing a quarantined mail, commands, the demo).
EDGES = ("views/", "management/", "demo.py", "apps.py", "intake/")
DOMAIN = (
    "services.py",
    "workflow.py",
    "routing.py",
    "tasks.py",
    "acknowledgement.py",
    "history.py",
    "files.py",
)


def imported(path: Path, root: Path = PACKAGE.parent) -> set[str]:
    """Every module a file imports, as a dotted name (`from requests_box import intake` counts too)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the file's package
                parts = path.relative_to(root).with_suffix("").parts[: -node.level]
                base = ".".join(parts + ((node.module,) if node.module else ()))
            else:
                base = node.module or ""
            names.add(base)
            names.update(f"{base}.{alias.name}" for alias in node.names)
    return names


def imports_intake(path: Path, root: Path = PACKAGE.parent) -> list[str]:
    names = imported(path, root)
    return sorted(n for n in names if n == "requests_box.intake" or n.startswith("requests_box.intake."))


def test_the_domain_modules_never_import_intake():
    for name in DOMAIN:
        assert imports_intake(PACKAGE / name) == [], f"{name} imports intake"


def test_only_the_edges_import_intake():
    offenders = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative.startswith(EDGES) or "/migrations/" in f"/{relative}":
            continue
        if found := imports_intake(path):
            offenders[relative] = found
    assert offenders == {}


def test_the_check_sees_lazy_and_relative_imports(tmp_path):
    (tmp_path / "requests_box").mkdir()
    sample = tmp_path / "requests_box" / "sample.py"
    sample.write_text(
        "def f():\n    from requests_box.intake.parse import parse_message\n"
        "def g():\n    from .intake import batch\n"
        "def h():\n    from requests_box import intake\n"
    )
    assert imports_intake(sample, tmp_path) == [
        "requests_box.intake",
        "requests_box.intake.batch",
        "requests_box.intake.parse",
        "requests_box.intake.parse.parse_message",
    ]


def test_the_history_and_files_helpers_sit_below_services_and_workflow():
    for name in ("history.py", "files.py"):
        above = {n for n in imported(PACKAGE / name) if n.startswith("requests_box.")}
        assert all(n.startswith("requests_box.models") for n in above), (name, above)
    for name in ("workflow.py", "acknowledgement.py", "routing.py"):
        assert not any(n.startswith("requests_box.services") for n in imported(PACKAGE / name)), name


def lazy_imports(path: Path) -> list[str]:
    """Imports of the package made inside functions: the sign of a loop someone worked around."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                if isinstance(inner, ast.ImportFrom) and (inner.module or "").startswith("requests_box"):
                    found.append(inner.module)
    return found


def test_services_routing_and_the_acknowledgement_import_the_domain_at_the_top():
    for name in ("services.py", "routing.py", "acknowledgement.py", "history.py", "files.py"):
        assert lazy_imports(PACKAGE / name) == [], name
