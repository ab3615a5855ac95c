"""Helpers shared by the mailbox's screens."""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse

from home.exports import csv_response
from requests_box import selectors, services

# Types a browser may be handed as they are; anything else is served as opaque bytes.
SAFE_CONTENT_TYPES = frozenset(
    {"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp", "text/plain", "text/csv"}
)


def files_of(form) -> list[services.NewFile]:
    return [
        services.NewFile(f.name, f.content_type or "application/octet-stream", f)
        for f in form.cleaned_data.get("attachments") or []
    ]


def require_manager(user) -> None:
    if not selectors.can_manage_mailbox(user):
        raise PermissionDenied


def attachment_response(handle, filename: str, content_type: str) -> FileResponse:
    content_type = content_type.lower().split(";")[0].strip()
    if content_type not in SAFE_CONTENT_TYPES:
        content_type = "application/octet-stream"
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def table_csv_response(table) -> HttpResponse:
    """One measure table as a CSV file that spreadsheet software opens in French (UTF-8 BOM, ";")."""
    return csv_response([table.header, *table.rows], f"{table.key}.csv", delimiter=";", bom=True)
