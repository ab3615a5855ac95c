"""The import of IMPORT.md in two phases: check every row of every file, then write in one short transaction.

1. Check: each file is read row by row (never whole), each row becomes a record or errors; records go
   to a spool file on disk, so memory stays flat whatever the size; keys met twice in a file are
   errors. Nothing is written and no lock is taken: the portal keeps serving.
2. Write: only if no row failed, the records are written in one transaction, a batch at a time with
   bulk queries. A database refusal (a concurrent change) rolls everything back and is reported.
"""

import pickle  # noqa: S403 - the spool is our own temporary file, written and read by this process
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from django.db import DatabaseError, reset_queries, transaction
from django.utils.translation import gettext as _

from kpis.importing.cells import Row, RowError
from kpis.importing.limits import Counter, Limits, SourceError
from kpis.importing.rows import SPECS, Refs
from kpis.importing.sources import Sheet, read_source
from kpis.importing.writers import WRITERS, Ids, Tally, advance_reference_counters

BATCH = 2000
Progress = Callable[[str, str], None]


class ImportFailed(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__(f"{len(errors)} invalid row(s): " + "; ".join(str(e) for e in errors[:5]))
        self.errors = errors


class ImportReport(dict):
    """Tallies by file label ("entities.csv" → Tally), and the warnings (lines, in French)."""

    def __init__(self, tallies: dict[str, Tally], warnings: list[str]):
        super().__init__(tallies)
        self.warnings = warnings


class _Spool:
    """Checked records of one file, pickled in batches to a temporary file."""

    def __init__(self, sheet: Sheet):
        self.sheet = sheet
        self.file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
        self.pending: list[tuple[int, dict]] = []
        self.count = 0

    def add(self, line: int, record: dict) -> None:
        self.pending.append((line, record))
        self.count += 1
        if len(self.pending) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if self.pending:
            pickle.dump(self.pending, self.file, protocol=pickle.HIGHEST_PROTOCOL)
            self.pending = []

    def batches(self) -> Iterator[list[tuple[int, dict]]]:
        self.flush()
        self.file.seek(0)
        while True:
            try:
                yield pickle.load(self.file)  # noqa: S301 - see the import above
            except EOFError:
                return

    def close(self) -> None:
        self.file.close()


def import_workbook(path: Path | str, *, progress: Progress | None = None) -> ImportReport:
    """Import a folder of CSV files or an .xlsx workbook; raises ImportFailed listing every bad row."""
    progress = progress or (lambda stage, label: None)
    limits = Limits.from_settings()
    source = read_source(Path(path), limits, Counter(limits))
    spools: list[_Spool] = []
    closing = [source.close]
    try:
        errors = [
            RowError(name, 1, "-", _("unexpected file: not one of IMPORT.md's files"))
            for name in source.unexpected
        ]
        if not source.sheets:
            raise SourceError(
                _("%(path)s: none of the expected files or sheets (%(names)s)")
                % {"path": Path(path).name, "names": ", ".join(SPECS)}
            )
        refs = Refs.from_database()
        closing.append(refs.keys.close)
        for sheet in source.sheets:
            progress("check", sheet.label)
            spools.append(_check_sheet(sheet, refs, errors))
        source.close()
        if errors:
            raise ImportFailed(errors)
        tallies = _write(spools, refs, progress)
    finally:
        for close in closing:
            close()
        for spool in spools:
            spool.close()
    return ImportReport(tallies, refs.warnings)


def _check_header(sheet: Sheet, header: list[str], errors: list[RowError]) -> bool:
    spec = SPECS[sheet.name]
    ok = True
    for column in header:
        if column not in spec.columns:
            errors.append(RowError(sheet.label, 1, column or "(vide)", _("unknown column")))
            ok = False
    for column in sorted(spec.required - set(header)):
        errors.append(RowError(sheet.label, 1, column, _("missing column")))
        ok = False
    if len(set(header)) != len(header):
        errors.append(RowError(sheet.label, 1, "-", _("a column appears twice")))
        ok = False
    return ok


def _check_sheet(sheet: Sheet, refs: Refs, errors: list[RowError]) -> _Spool:
    spec = SPECS[sheet.name]
    spool = _Spool(sheet)
    header, rows = sheet.open()
    if not _check_header(sheet, header, errors):
        for _row in rows:  # still read to the end: the size limits apply to every file
            pass
        return spool
    for line, cells in rows:
        row = Row(sheet.label, line, cells, errors)
        if cells.get("__extra__"):
            row.error("-", _("more cells than columns"))
            continue
        record = spec.parse(row, refs)
        if record is None:
            continue
        key = spec.key(record)
        first = refs.keys.first_line(sheet.name, key, line)
        if first != line:
            row.error(
                spec.columns[0],
                _("same key as line %(line)s (%(key)s): each row must be unique")
                % {"line": first, "key": " + ".join(str(k) for k in key if k not in (None, ""))},
            )
            continue
        spool.add(line, record)
        spec.remember(record, refs)  # later files may refer to it
    return spool


def _write(spools: list[_Spool], refs: Refs, progress: Progress) -> dict[str, Tally]:
    ids = Ids()
    tallies: dict[str, Tally] = {}
    errors: list[RowError] = []
    changed: set[str] = set()
    with transaction.atomic():
        for spool in spools:
            sheet = spool.sheet
            progress("write", sheet.label)
            if sheet.name == "requests":
                advance_reference_counters(refs.highest_reference)
            tally = tallies[sheet.label] = Tally()
            for batch in spool.batches():
                reset_queries()  # with DEBUG on, Django keeps every query's SQL: not for an import
                part = _write_batch(sheet, batch, ids, errors)
                tally.created += part.created
                tally.updated += part.updated
            if tally.created or tally.updated:
                changed.add(sheet.name)
            ids.forget()
        if errors:
            transaction.set_rollback(True)
        elif any(t.created or t.updated for t in tallies.values()):
            from kpis import aggregates, freshness  # bulk writes send no signals: counted again here

            if changed & {"requests", "entities"}:  # the daily counts' requests, directorates, types
                aggregates.rebuild()
            freshness.bump()
        progress("done", "")
    if errors:
        raise ImportFailed(errors)
    return tallies


def _write_batch(sheet: Sheet, batch: list[tuple[int, dict]], ids: Ids, errors: list[RowError]) -> Tally:
    writer = WRITERS[sheet.name]
    records = [record for _line, record in batch]
    try:
        with transaction.atomic():
            return writer(records, ids)
    except (DatabaseError, KeyError):
        pass
    # Find the rows refused by a change made since the check (a row deleted or added meanwhile).
    tally = Tally()
    for line, record in batch:
        try:
            with transaction.atomic():
                part = writer([record], ids)
            tally.created += part.created
            tally.updated += part.updated
        except KeyError as exc:
            reason = _("refers to %(value)s, deleted since the check") % {"value": exc}
            errors.append(RowError(sheet.label, line, "-", reason))
        except DatabaseError as exc:
            reason = _("cannot be written: %(error)s") % {"error": exc}
            errors.append(RowError(sheet.label, line, "-", reason))
    return tally
