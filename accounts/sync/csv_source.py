"""An HR export as a source of people: the `directory_sync.csv` file of IMPORT.md.

The file is checked whole before anything is written (an invalid file writes nothing and lists every
bad row, as every import of the portal does), then read again row by row: memory stays flat.
"""

import csv
from collections.abc import Iterator
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from accounts.sync.people import CONTACT_FIELDS, Person

REQUIRED = (
    "employee_id",
    "email",
    "first_name",
    "last_name",
    "directorate_code",
    "directorate_name",
    "entity_name",
)
OPTIONAL = ("entity_code", "job_title", "phone", "manager_id", "login", "status")
LIMITS = {
    "employee_id": 200,
    "email": 254,
    "first_name": 100,
    "last_name": 100,
    "directorate_code": 32,
    "directorate_name": 200,
    "entity_name": 200,
    "entity_code": 32,
    "job_title": 200,
    "phone": 40,
    "manager_id": 200,
    "login": 150,
}
STATUSES = {"": True, "active": True, "left": False}


class CsvInvalid(Exception):
    def __init__(self, errors: list[str]):
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors


class CsvSource:
    name = "csv"
    manager_key = "external_id"  # `manager_id` holds the manager's employee id

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.columns: list[str] = []

    @property
    def owned_fields(self) -> set[str]:
        return {
            f
            for f in CONTACT_FIELDS
            if f in ("email", "first_name", "last_name", "entity") or f in self.columns
        }

    def _rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        with self.path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            self.columns = [c.strip() for c in reader.fieldnames or []]
            reader.fieldnames = self.columns
            for row in reader:
                yield reader.line_num, {k: (v or "").strip() for k, v in row.items() if k is not None}

    def _header(self) -> list[str]:
        with self.path.open(encoding="utf-8-sig", newline="") as handle:
            return [c.strip() for c in next(csv.reader(handle), [])]

    def validate(self) -> None:
        """Raises CsvInvalid listing every problem as `FILE:LINE: COLUMN: reason`."""
        name = self.path.name
        try:
            self.columns = self._header()
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise CsvInvalid([f"{name}: unreadable: {exc}"]) from exc
        errors = [f"{name}:1: {c}: missing column" for c in REQUIRED if c not in self.columns]
        errors += [f"{name}:1: {c}: unknown column" for c in self.columns if c not in REQUIRED + OPTIONAL]
        if errors:
            raise CsvInvalid(errors)
        seen_ids: dict[str, int] = {}
        seen_emails: dict[str, int] = {}
        try:
            for line, row in self._rows():
                errors += self._check(name, line, row, seen_ids, seen_emails)
        except (UnicodeDecodeError, csv.Error) as exc:
            errors.append(f"{name}: unreadable: {exc}")
        if errors:
            raise CsvInvalid(errors)

    @staticmethod
    def _check(name, line, row, seen_ids, seen_emails) -> list[str]:
        errors = [f"{name}:{line}: {c}: required" for c in REQUIRED if not row.get(c)]
        errors += [
            f"{name}:{line}: {c}: longer than {limit} characters"
            for c, limit in LIMITS.items()
            if len(row.get(c, "")) > limit
        ]
        email = row.get("email", "").lower()
        if email:
            try:
                validate_email(email)
            except ValidationError:
                errors.append(f"{name}:{line}: email: not an e-mail address")
        if row.get("status", "").lower() not in STATUSES:
            errors.append(f"{name}:{line}: status: must be active or left")
        for value, seen, column in (
            (row.get("employee_id", ""), seen_ids, "employee_id"),
            (email, seen_emails, "email"),
        ):
            if value and value in seen:
                errors.append(f"{name}:{line}: {column}: same as line {seen[value]}")
            elif value:
                seen[value] = line
        return errors

    def people(self) -> Iterator[Person]:
        for _line, row in self._rows():
            yield Person(
                external_id=row["employee_id"],
                email=row["email"].lower(),
                first_name=row["first_name"],
                last_name=row["last_name"],
                directorate_code=row["directorate_code"],
                directorate_name=row["directorate_name"],
                entity_name=row["entity_name"],
                entity_code=row.get("entity_code", ""),
                job_title=row.get("job_title", ""),
                phone=row.get("phone", ""),
                manager_ref=row.get("manager_id", ""),
                username=row.get("login", ""),
                active=STATUSES[row.get("status", "").lower()],
            )
