"""Reading the import's input: a folder of CSV files or one .xlsx workbook, as rows of text cells.

Nothing is loaded whole: each file or sheet is opened when its turn comes and read row by row,
within the limits of `limits.py` (file size, zip expansion, declared and actual rows, columns, cells).
"""

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _

from kpis.importing.limits import Counter, Limits, SourceError, check_file_size

FILE_ORDER = (
    "directorates",
    "entities",
    "contacts",
    "families",
    "services",
    "subscriptions",
    "requests",
    "projects",
    "interactions",
    "survey_answers",
)
RawRows = Iterator[tuple[int, list[str]]]


@dataclass
class Sheet:
    name: str  # file name without ".csv"
    label: str  # how errors name it: "entities.csv" or "workbook.xlsx[entities]"
    opener: Callable[[], RawRows]  # every row, the header included, as (line number, cells)

    def open(self) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
        """The header (the first row that is not blank) and the data rows after it, blank ones skipped."""
        raw = self.opener()
        header: list[str] = []
        for _line, cells in raw:
            if any(c.strip() for c in cells):
                header = [c.strip() for c in cells]
                break
        while header and header[-1] == "":
            header.pop()
        return header, _data_rows(header, raw)


def _data_rows(header: list[str], raw: RawRows) -> Iterator[tuple[int, dict[str, str]]]:
    for line, cells in raw:
        if any(c.strip() for c in cells):
            yield line, _cells(header, cells)


@dataclass
class Source:
    sheets: list[Sheet]  # the known files present, in import order
    unexpected: list[str]  # names of files or sheets that are not IMPORT.md's (errors)
    close: Callable[[], None]


def read_source(path: Path, limits: Limits, counter: Counter) -> Source:
    if path.is_dir():
        found = {p.stem: p for p in path.glob("*.csv")}
        for file in found.values():
            check_file_size(file, limits)
        sheets = [_csv_sheet(found[name], limits, counter) for name in FILE_ORDER if name in found]
        unexpected = sorted(f"{stem}.csv" for stem in found if stem not in FILE_ORDER)
        return Source(sheets, unexpected, lambda: None)
    if path.suffix.lower() == ".xlsx" and path.is_file():
        from kpis.importing.xlsx import Workbook

        check_file_size(path, limits)
        book = Workbook(path, limits, counter)
        sheets = [
            Sheet(name, f"{path.name}[{name}]", _xlsx_opener(book, name, f"{path.name}[{name}]"))
            for name in FILE_ORDER
            if name in book.sheets
        ]
        unexpected = sorted(name for name in book.sheets if name not in FILE_ORDER)
        return Source(sheets, unexpected, book.close)
    raise SourceError(_("%(path)s: neither a folder of CSV files nor an .xlsx workbook") % {"path": path})


def _xlsx_opener(book, name: str, label: str) -> Callable[[], RawRows]:
    return lambda: book.rows(name, label)


def _csv_sheet(path: Path, limits: Limits, counter: Counter) -> Sheet:
    return Sheet(path.stem, path.name, lambda: _read_csv(path, limits, counter))


def _bounded_lines(handle, path: Path, limits: Limits) -> Iterator[str]:
    """The file's physical lines, refusing one longer than the limit before reading it whole."""
    number = 0
    while line := handle.readline(limits.max_line_chars + 1):
        number += 1
        if len(line) > limits.max_line_chars:
            raise SourceError(
                _("%(file)s:%(line)s: line longer than %(max)s characters, refused")
                % {"file": path.name, "line": number, "max": limits.max_line_chars}
            )
        yield line


def _read_csv(path: Path, limits: Limits, counter: Counter) -> RawRows:
    rows = 0
    reader = None
    try:
        # newline="" keeps line breaks inside quoted cells; line numbers are where a row starts.
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(_bounded_lines(handle, path, limits))
            line = 1
            for cells in reader:
                rows += 1
                counter.check_rows(path.name, rows)
                counter.check_columns(path.name, line, len(cells))
                counter.add_cells(path.name, len(cells))
                yield line, cells
                line = reader.line_num + 1
    except UnicodeDecodeError as exc:
        raise SourceError(
            _("%(file)s:%(line)s: not UTF-8 (%(reason)s)")
            % {"file": path.name, "line": (reader.line_num if reader else 0) + 1, "reason": exc.reason}
        ) from exc
    except csv.Error as exc:
        raise SourceError(
            _("%(file)s:%(line)s: not valid CSV (%(error)s)")
            % {"file": path.name, "line": reader.line_num if reader else 0, "error": exc}
        ) from exc


def _cells(header: list[str], cells: list[str]) -> dict[str, str]:
    row = {column: (cells[i].strip() if i < len(cells) else "") for i, column in enumerate(header)}
    if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
        row["__extra__"] = "yes"
    return row
