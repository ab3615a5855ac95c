"""A streaming, bounded reader of .xlsx workbooks: rows of text cells, in constant memory.

openpyxl builds each row's XML tree and trusts the sheet's declared size; a hostile workbook (a
declared size of 16,384 columns × 1,048,576 rows, or a sheet that unzips to hundreds of megabytes)
then runs for minutes or fills the memory. Here the zip's sizes are checked before anything is
read, the XML is read by expat chunk by chunk (no tree, no DTD, no entity), the declared size is
refused when too big, and rows, columns and cells are counted as they come.
"""

import posixpath
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.parsers import expat

from django.utils.translation import gettext as _
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from kpis.importing.limits import Counter, Limits, SourceError, check_zip

CHUNK = 64 * 1024
DIMENSION = re.compile(r"^[A-Z]{1,3}\d+:([A-Z]{1,3})(\d+)$")
INTEGER = re.compile(r"^-?\d+$")
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def column_index(letters: str) -> int:
    """A → 0, Z → 25, AA → 26."""
    index = 0
    for char in letters:
        index = index * 26 + ord(char) - 64
    return index - 1


def _local(name: str) -> str:
    return name.rsplit(" ", 1)[-1]


def _parser() -> expat.XMLParserType:
    """expat with namespaces reported as "uri local", and any DTD or entity declaration refused."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.buffer_text = True

    def refuse(*_args):
        raise SourceError(_("the workbook declares a DTD or entities: refused"))

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    return parser


def _feed(parser, stream, label: str) -> Iterator[None]:
    """Parse a stream chunk by chunk, yielding after each chunk so that the caller takes what is ready."""
    try:
        while chunk := stream.read(CHUNK):
            parser.Parse(chunk, False)
            yield
        parser.Parse(b"", True)
        yield
    except expat.ExpatError as exc:
        raise SourceError(_("%(file)s: damaged XML (%(error)s)") % {"file": label, "error": exc}) from exc
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise SourceError(_("%(file)s: damaged zip (%(error)s)") % {"file": label, "error": exc}) from exc


def _parse_all(archive: zipfile.ZipFile, member: str, label: str, start=None, end=None, data=None) -> None:
    parser = _parser()
    if start:
        parser.StartElementHandler = start
    if end:
        parser.EndElementHandler = end
    if data:
        parser.CharacterDataHandler = data
    with archive.open(member) as stream:
        for _chunk in _feed(parser, stream, label):
            pass


class Workbook:
    """The sheets of one .xlsx (name → part), its shared strings and which cell styles are dates."""

    def __init__(self, path: Path, limits: Limits, counter: Counter):
        self.path, self.limits, self.counter = path, limits, counter
        try:
            self.archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise SourceError(
                _("%(file)s: unreadable workbook (%(error)s)") % {"file": path.name, "error": exc}
            ) from exc
        try:
            small = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml", "[Content_Types].xml"}
            check_zip(path, self.archive, limits, small)
            self.sheets, self.date1904, parts = self._read_index()
            self.date_styles = self._read_date_styles(parts.get("styles"))
            self.shared = self._read_shared_strings(parts.get("sharedStrings"))
        except Exception:
            self.archive.close()
            raise

    def close(self) -> None:
        self.archive.close()

    def _member(self, name: str) -> str:
        if name not in self.archive.NameToInfo:
            raise SourceError(
                _("%(file)s: unreadable workbook (%(error)s)")
                % {"file": self.path.name, "error": f"missing part {name}"}
            )
        return name

    def _read_index(self) -> tuple[dict[str, str], bool, dict[str, str]]:
        targets: dict[str, str] = {}
        kinds: dict[str, str] = {}

        def relation(name, attrs):
            if _local(name) == "Relationship":
                target = attrs.get("Target", "")
                path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
                targets[attrs.get("Id", "")] = path
                kinds[attrs.get("Type", "").rsplit("/", 1)[-1]] = path

        _parse_all(self.archive, self._member("xl/_rels/workbook.xml.rels"), self.path.name, start=relation)
        sheets: dict[str, str] = {}
        flags = {"date1904": False}

        def workbook(name, attrs):
            local = _local(name)
            if local == "sheet":
                sheets[attrs.get("name", "")] = targets.get(attrs.get(f"{REL_NS} id", ""), "")
            elif local == "workbookPr":
                flags["date1904"] = attrs.get("date1904", "0") in ("1", "true")

        _parse_all(self.archive, self._member("xl/workbook.xml"), self.path.name, start=workbook)
        return sheets, flags["date1904"], kinds

    def _read_date_styles(self, member: str | None) -> set[int]:
        """Indexes of the cell styles (cellXfs) whose number format shows a date."""
        if not member or member not in self.archive.NameToInfo:
            return set()
        formats = dict(BUILTIN_FORMATS)
        xf_formats: list[int] = []
        where = {"cellXfs": False}

        def start(name, attrs):
            local = _local(name)
            if local == "numFmt":
                formats[int(attrs.get("numFmtId", "0"))] = attrs.get("formatCode", "")
            elif local == "cellXfs":
                where["cellXfs"] = True
            elif local == "xf" and where["cellXfs"]:
                xf_formats.append(int(attrs.get("numFmtId", "0") or 0))

        def end(name):
            if _local(name) == "cellXfs":
                where["cellXfs"] = False

        try:
            _parse_all(self.archive, member, self.path.name, start=start, end=end)
        except ValueError as exc:
            raise SourceError(
                _("%(file)s: damaged XML (%(error)s)") % {"file": self.path.name, "error": exc}
            ) from exc
        return {i for i, fmt in enumerate(xf_formats) if fmt in formats and is_date_format(formats[fmt])}

    def _read_shared_strings(self, member: str | None) -> list[str]:
        if not member or member not in self.archive.NameToInfo:
            return []
        strings: list[str] = []
        state = {"in_si": False, "in_t": False, "in_rph": False, "parts": []}

        def start(name, attrs):
            local = _local(name)
            if local == "si":
                state["in_si"], state["parts"] = True, []
            elif local == "rPh":  # phonetic hints are not part of the text
                state["in_rph"] = True
            elif local == "t" and state["in_si"] and not state["in_rph"]:
                state["in_t"] = True

        def end(name):
            local = _local(name)
            if local == "t":
                state["in_t"] = False
            elif local == "rPh":
                state["in_rph"] = False
            elif local == "si":
                state["in_si"] = False
                strings.append("".join(state["parts"]))
                if len(strings) > self.limits.max_shared_strings:
                    raise SourceError(
                        _("%(file)s: more than %(max)s different texts, refused")
                        % {"file": self.path.name, "max": self.limits.max_shared_strings}
                    )

        def data(text):
            if state["in_t"]:
                state["parts"].append(text)

        _parse_all(self.archive, member, self.path.name, start=start, end=end, data=data)
        return strings

    def rows(self, name: str, label: str) -> Iterator[tuple[int, list[str]]]:
        """(line number, cells as text) of every row of a sheet, blank rows included, in order."""
        member = self._member(self.sheets[name])
        reader = _SheetReader(self, label)
        parser = _parser()
        parser.StartElementHandler = reader.start
        parser.EndElementHandler = reader.end
        parser.CharacterDataHandler = reader.data
        with self.archive.open(member) as stream:
            for _chunk in _feed(parser, stream, label):
                if reader.ready:
                    yield from reader.ready
                    reader.ready = []


# Element names as expat reports them ("namespace local"): transitional and strict OOXML, or no namespace.
SPREADSHEET_NAMESPACES = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
)
KINDS = {
    f"{namespace} {local}" if namespace else local: local
    for namespace in ("", *SPREADSHEET_NAMESPACES)
    for local in ("c", "v", "t", "row", "dimension", "is", "f")
}
_COLUMNS: dict[str, int] = {}


def _column_of(ref: str) -> int | None:
    """The column index of a cell reference such as "C12", or None when it is not one."""
    letters = ref.rstrip("0123456789")
    index = _COLUMNS.get(letters)
    if index is None:
        if not (
            letters and len(letters) <= 3 and letters.isascii() and letters.isupper() and letters.isalpha()
        ):
            return None
        index = _COLUMNS[letters] = column_index(letters)
    return index


class _SheetReader:
    """expat handlers for one worksheet: collects each row's cells as text, within the limits."""

    def __init__(self, book: Workbook, label: str):
        self.book, self.label = book, label
        self.limits, self.counter = book.limits, book.counter
        self.max_columns = self.limits.max_columns
        self.ready: list[tuple[int, list[str]]] = []
        self.row_count = 0
        self.row_cells = 0
        self.line = 0
        self.cells: dict[int, str] = {}
        self.column = -1
        self.cell_type = "n"
        self.cell_style = 0
        self.text: list[str] = []
        self.capture = False
        self.in_cell = False

    def start(self, name, attrs):
        kind = KINDS.get(name) or _local(name)
        if kind == "c":
            self.in_cell = True
            self.row_cells += 1
            column = _column_of(attrs.get("r", ""))
            self.column = self.column + 1 if column is None else column
            if self.column >= self.max_columns or self.row_cells > self.max_columns:
                self.counter.check_columns(self.label, self.line, max(self.column + 1, self.row_cells))
            self.cell_type = attrs.get("t", "n")
            style = attrs.get("s", "0")
            self.cell_style = int(style) if style.isdigit() else 0
            self.text = []
        elif kind == "v" or kind == "t":
            self.capture = self.in_cell
        elif kind == "row":
            self.row_count += 1
            self.counter.check_rows(self.label, self.row_count)
            number = attrs.get("r", "")
            self.line = int(number) if number.isdigit() else self.line + 1
            self.cells = {}
            self.column = -1
            self.row_cells = 0
        elif kind == "dimension":
            self._check_declared(attrs.get("ref", ""))

    def end(self, name):
        kind = KINDS.get(name) or _local(name)
        if kind == "v" or kind == "t":
            self.capture = False
        elif kind == "c":
            self.in_cell = False
            value = self._value("".join(self.text))
            if value:
                self.cells[self.column] = value
        elif kind == "row":
            self.counter.add_cells(self.label, self.row_cells)
            width = max(self.cells) + 1 if self.cells else 0
            self.ready.append((self.line, [self.cells.get(i, "") for i in range(width)]))

    def data(self, text):
        if self.capture:
            self.text.append(text)

    def _check_declared(self, ref: str) -> None:
        match = DIMENSION.match(ref)
        if not match:
            return
        columns, rows = column_index(match[1]) + 1, int(match[2])
        if columns > self.limits.max_columns or rows > self.limits.max_rows:
            raise SourceError(
                _(
                    "%(file)s: the sheet declares %(rows)s rows and %(columns)s columns "
                    "(at most %(max_rows)s rows and %(max_columns)s columns): refused"
                )
                % {
                    "file": self.label,
                    "rows": rows,
                    "columns": columns,
                    "max_rows": self.limits.max_rows,
                    "max_columns": self.limits.max_columns,
                }
            )

    def _value(self, raw: str) -> str:
        kind = self.cell_type
        if kind == "s":
            try:
                return self.book.shared[int(raw)]
            except (ValueError, IndexError):
                return ""
        if kind == "b":
            return "1" if raw.strip() in ("1", "true") else "0"
        if kind in ("inlineStr", "str", "e", "d"):
            return raw
        raw = raw.strip()
        if not raw:
            return ""
        if self.cell_style in self.book.date_styles:
            return self._date(raw)
        if INTEGER.match(raw):
            return raw
        try:
            number = float(raw)
        except ValueError:
            return raw
        return str(int(number)) if number.is_integer() and abs(number) < 1e15 else raw

    def _date(self, raw: str) -> str:
        """A date-formatted number as ISO text: 2025-12-31, or 2025-12-31T14:05:00 with a time."""
        try:
            moment = from_excel(
                float(raw), CALENDAR_MAC_1904 if self.book.date1904 else CALENDAR_WINDOWS_1900
            )
        except (ValueError, OverflowError):
            return raw
        if moment is None or not hasattr(moment, "year"):
            return raw
        if hasattr(moment, "hour"):
            if (moment.hour, moment.minute, moment.second, moment.microsecond) == (0, 0, 0, 0):
                return moment.date().isoformat()
            return moment.replace(microsecond=0).isoformat()
        return moment.isoformat()
