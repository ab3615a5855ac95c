"""Reading the import's input: a folder of CSV files or one .xlsx workbook, as rows of text cells."""

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

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


@dataclass
class Sheet:
    name: str  # file name without ".csv"
    label: str  # how errors name it: "entities.csv" or "workbook.xlsx[entities]"
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (line number, cells by column name); the header is line 1


class SourceError(Exception):
    pass


def read_source(path: Path) -> tuple[list[Sheet], list[str]]:
    """The sheets present, in import order, and the names of unexpected files/sheets (errors)."""
    if path.is_dir():
        found = {p.stem: p for p in path.glob("*.csv")}
        sheets = [_read_csv(found[name]) for name in FILE_ORDER if name in found]
        unexpected = sorted(f"{stem}.csv" for stem in found if stem not in FILE_ORDER)
        return sheets, unexpected
    if path.suffix.lower() == ".xlsx" and path.is_file():
        return _read_xlsx(path)
    raise SourceError(f"{path}: neither a folder of CSV files nor an .xlsx workbook")


def _read_csv(path: Path) -> Sheet:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(f"{path.name}: not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    # newline="" keeps line breaks inside quoted cells; line numbers are where a row starts in the file.
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader, [])]
        rows = []
        line = reader.line_num + 1
        for cells in reader:
            if any(c.strip() for c in cells):
                rows.append((line, _cells(header, cells)))
            line = reader.line_num + 1
    except csv.Error as exc:
        raise SourceError(f"{path.name}:{reader.line_num}: not valid CSV ({exc})") from exc
    return Sheet(path.stem, path.name, header, rows)


def _read_xlsx(path: Path) -> tuple[list[Sheet], list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise SourceError(f"{path.name}: unreadable workbook ({exc})") from exc
    by_name = {ws.title: ws for ws in workbook.worksheets}
    sheets = []
    for name in FILE_ORDER:
        if name not in by_name:
            continue
        values = list(by_name[name].iter_rows(values_only=True))
        header = [_text(v).strip() for v in values[0]] if values else []
        while header and header[-1] == "":
            header.pop()
        rows = []
        for line, cells in enumerate(values[1:], start=2):
            texts = [_text(v) for v in cells]
            if not any(t.strip() for t in texts):
                continue
            rows.append((line, _cells(header, texts)))
        sheets.append(Sheet(name, f"{path.name}[{name}]", header, rows))
    unexpected = sorted(name for name in by_name if name not in FILE_ORDER)
    workbook.close()
    return sheets, unexpected


def _cells(header: list[str], cells: list[str]) -> dict[str, str]:
    row = {column: (cells[i].strip() if i < len(cells) else "") for i, column in enumerate(header)}
    if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
        row["__extra__"] = "yes"
    return row


def _text(value) -> str:
    """Workbook cells come typed; turn them into the text a CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
