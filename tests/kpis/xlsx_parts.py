"""Hand-made .xlsx files for the importer's tests: real zip parts, so hostile shapes can be built exactly."""

import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def column_letters(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def sheet_xml(rows: list[list[str]], *, dimension: str | None = None) -> str:
    body = []
    for r, cells in enumerate(rows, start=1):
        xml_cells = "".join(
            f'<c r="{column_letters(c)}{r}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'
            for c, value in enumerate(cells)
            if value != ""
        )
        body.append(f'<row r="{r}">{xml_cells}</row>')
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">{declared}'
        f"<sheetData>{''.join(body)}</sheetData></worksheet>"
    )


def write_workbook(
    path: Path, sheets: dict[str, str], *, compression=zipfile.ZIP_DEFLATED, prolog: str = "", level: int = 6
) -> Path:
    """An .xlsx with the given sheets (name -> worksheet XML); `prolog` goes before workbook.xml's root."""
    names = list(sheets)
    with zipfile.ZipFile(path, "w", compression, compresslevel=level) as archive:
        overrides = "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, len(names) + 1)
        )
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            f"{overrides}</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}">'
            f'<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        sheet_entries = "".join(
            f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>'
            for i, name in enumerate(names, start=1)
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<workbook xmlns="{MAIN}" xmlns:r="{RELS}">'
            f"<sheets>{sheet_entries}</sheets></workbook>",
        )
        relations = "".join(
            f'<Relationship Id="rId{i}" Type="{RELS}/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(names) + 1)
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}">{relations}</Relationships>',
        )
        for i, name in enumerate(names, start=1):
            content = sheets[name]
            if isinstance(content, str):
                archive.writestr(f"xl/worksheets/sheet{i}.xml", content)
            else:  # a generator of byte chunks, streamed into the zip (large sheets)
                with archive.open(f"xl/worksheets/sheet{i}.xml", "w", force_zip64=True) as part:
                    for chunk in content:
                        part.write(chunk)
    return path
