"""What a source yields: one person of the company directory, or an entry it had to skip."""

import re
import unicodedata
from dataclasses import dataclass

# The contact fields a source may own; the sync never writes the others (role, correspondent, login).
CONTACT_FIELDS = ("email", "first_name", "last_name", "entity", "job_title", "phone")


@dataclass(frozen=True, slots=True)
class Person:
    external_id: str
    email: str
    first_name: str
    last_name: str
    directorate_code: str
    directorate_name: str
    entity_name: str
    entity_code: str = ""
    job_title: str = ""
    phone: str = ""
    manager_ref: str = ""
    username: str = ""
    dn: str = ""
    active: bool = True

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


@dataclass(frozen=True, slots=True)
class Skipped:
    ref: str  # what identifies the entry in its source (DN, CSV line)
    reason: str  # a code, see report.skip_reasons()
    # Known when the entry has one: a skipped person is still in the directory, so not deactivated.
    external_id: str = ""


def make_code(value: str, limit: int = 32) -> str:
    """`Direction Financière` → `DIRECTION-FINANCIERE`: a code for a directorate or an entity."""
    ascii_only = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    code = re.sub(r"[^A-Za-z0-9]+", "-", ascii_only).strip("-").upper()
    return code[:limit].rstrip("-") or "X"
