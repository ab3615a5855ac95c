"""Reading mail from files: single .eml files, folders of them (recursively) and mbox files."""

import mailbox
from collections.abc import Iterator
from pathlib import Path


def _is_mbox(path: Path) -> bool:
    if path.suffix.lower() == ".mbox":
        return True
    with path.open("rb") as handle:
        return handle.read(5) == b"From "


def iter_path(path: Path) -> Iterator[tuple[str, bytes]]:
    """(source, raw bytes) for every message under a path. Raises OSError when the path can't be read."""
    if path.is_dir():
        for child in sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")):
            yield from iter_path(child)
        return
    if not path.exists():
        raise FileNotFoundError(path)
    if _is_mbox(path):
        box = mailbox.mbox(str(path), create=False)
        try:
            for number, key in enumerate(box.iterkeys(), start=1):
                yield f"{path}#{number}", box.get_bytes(key)
        finally:
            box.close()
        return
    yield str(path), path.read_bytes()
