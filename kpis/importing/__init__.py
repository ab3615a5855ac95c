"""Import of past data from spreadsheets (IMPORT.md): `import_workbook(path)`, all or nothing."""

from kpis.importing.cells import RowError
from kpis.importing.limits import SourceError
from kpis.importing.loader import ImportFailed, ImportReport, import_workbook

__all__ = ["ImportFailed", "ImportReport", "RowError", "SourceError", "import_workbook"]
