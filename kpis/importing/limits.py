"""How big an import may be, checked before and while reading, so that no file exhausts the machine.

Every limit can be changed in the settings (`IMPORT_LIMITS = {"max_rows": …}`); the defaults take a
workbook of a few hundred thousand rows and refuse declared or compressed monsters in milliseconds.
"""

import zipfile
from dataclasses import dataclass, fields, replace
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

MB = 1024 * 1024


class SourceError(Exception):
    """The input cannot be read at all (damaged, too big, not a workbook): reported as one French line."""


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 200 * MB  # a CSV file or the .xlsx itself, on disk
    max_uncompressed_bytes: int = 400 * MB  # the sum of the workbook's parts once unzipped
    max_part_bytes: int = 300 * MB  # one part (one sheet) once unzipped
    max_small_part_bytes: int = 20 * MB  # the workbook's index, relations and styles
    max_shared_strings_bytes: int = 100 * MB
    max_ratio: int = 100  # uncompressed / compressed size of a part (ordinary sheets: 5 to 20)
    ratio_from_bytes: int = 1 * MB  # tiny parts compress at any ratio: judged from this size on
    max_rows: int = 500_000  # per sheet or file, header included
    max_columns: int = 64  # per row
    max_cells: int = 10_000_000  # in the whole import
    max_shared_strings: int = 2_000_000
    max_line_chars: int = 1_000_000  # one physical line of a CSV file

    @classmethod
    def from_settings(cls) -> "Limits":
        overrides = getattr(settings, "IMPORT_LIMITS", {}) or {}
        known = {f.name for f in fields(cls)}
        return replace(cls(), **{k: v for k, v in overrides.items() if k in known})


def megabytes(size: int) -> str:
    return f"{size / MB:.1f}".replace(".", ",")


def check_file_size(path: Path, limits: Limits) -> None:
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise SourceError(
            _("%(file)s: file of %(size)s MB, at most %(max)s MB accepted")
            % {"file": path.name, "size": megabytes(size), "max": megabytes(limits.max_file_bytes)}
        )


def check_zip(path: Path, archive: zipfile.ZipFile, limits: Limits, small_parts: set[str]) -> None:
    """Refuse a workbook whose parts would expand too much, from the sizes the zip declares.

    Declared sizes are enough: Python's zipfile never hands out more bytes than a part declares
    (it stops there and then fails the CRC check), so the real reading stays within these bounds.
    """
    total = 0
    for info in archive.infolist():
        total += info.file_size
        limit = limits.max_small_part_bytes if info.filename in small_parts else limits.max_part_bytes
        if info.filename.endswith("sharedStrings.xml"):
            limit = limits.max_shared_strings_bytes
        if info.file_size > limit:
            raise SourceError(
                _("%(file)s: the part %(part)s expands to %(size)s MB, at most %(max)s MB accepted")
                % {
                    "file": path.name,
                    "part": info.filename,
                    "size": megabytes(info.file_size),
                    "max": megabytes(limit),
                }
            )
        if info.file_size >= limits.ratio_from_bytes:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.max_ratio:
                raise SourceError(
                    _(
                        "%(file)s: the part %(part)s is compressed %(ratio)s times (at most %(max)s): "
                        "refused as a possible zip bomb"
                    )
                    % {"file": path.name, "part": info.filename, "ratio": int(ratio), "max": limits.max_ratio}
                )
    if total > limits.max_uncompressed_bytes:
        raise SourceError(
            _("%(file)s: the workbook expands to %(size)s MB, at most %(max)s MB accepted")
            % {"file": path.name, "size": megabytes(total), "max": megabytes(limits.max_uncompressed_bytes)}
        )


class Counter:
    """Rows and cells read so far, across the whole import; raises SourceError past the limits."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.cells = 0

    def add_cells(self, label: str, count: int) -> None:
        self.cells += count
        if self.cells > self.limits.max_cells:
            raise SourceError(
                _("%(file)s: more than %(max)s cells in the import, refused")
                % {"file": label, "max": f"{self.limits.max_cells:,}".replace(",", " ")}
            )

    def check_rows(self, label: str, rows: int) -> None:
        if rows > self.limits.max_rows:
            raise SourceError(
                _("%(file)s: more than %(max)s rows, refused")
                % {"file": label, "max": f"{self.limits.max_rows:,}".replace(",", " ")}
            )

    def check_columns(self, label: str, line: int, columns: int) -> None:
        if columns > self.limits.max_columns:
            raise SourceError(
                _("%(file)s:%(line)s: more than %(max)s columns, refused")
                % {"file": label, "line": line, "max": self.limits.max_columns}
            )
