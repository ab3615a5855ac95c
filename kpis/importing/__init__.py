"""Import of past data from spreadsheets (IMPORT.md): `import_workbook(path)`, all or nothing."""

from kpis.importing.cells import RowError
from kpis.importing.loader import ImportFailed, import_workbook

__all__ = ["ImportFailed", "RowError", "import_workbook"]
