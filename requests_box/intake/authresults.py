"""`Authentication-Results` (RFC 8601): what the receiving servers say of the sender's SPF, DKIM, DMARC.

Only a field whose authserv-id names one of our own servers means anything (anyone can write the header
in the mail they send); the caller decides which ids it trusts (settings.MAIL_TRUSTED_AUTHSERV_IDS).
"""

import re
from dataclasses import dataclass

_TOKEN = re.compile(r'\s*("(?:[^"\\]|\\.)*"|[^\s;=]+)')
_RESULT = re.compile(r"(?i)^\s*([a-z0-9_-]+)(?:/[0-9]+)?\s*=\s*([a-z0-9_-]+)")
_MAX_FIELD = 8192


@dataclass(frozen=True)
class AuthResult:
    authserv_id: str  # lowercased
    method: str  # spf, dkim, dmarc, arc… lowercased
    result: str  # pass, fail, softfail, none… lowercased


def _without_comments(value: str) -> str:
    """The field without its (nested) comments and with quoted strings kept whole."""
    out, depth, quoted, escaped = [], 0, False, False
    for char in value[:_MAX_FIELD]:
        if escaped:
            escaped = False
            if depth == 0:
                out.append(char)
            continue
        if char == "\\":
            escaped = True
            if depth == 0:
                out.append(char)
            continue
        if quoted:
            quoted = char != '"'
            out.append(char)
        elif char == '"' and depth == 0:
            quoted = True
            out.append(char)
        elif char == "(":
            depth += 1
        elif char == ")" and depth:
            depth -= 1
        elif depth == 0:
            out.append(char)
    return " ".join("".join(out).split())


def parse_field(value: str) -> list[AuthResult]:
    """The results one `Authentication-Results` field gives, or [] when it gives none or cannot be read."""
    text = _without_comments(value)
    sections = text.split(";")
    head = _TOKEN.match(sections[0])
    if head is None:
        return []
    authserv_id = head.group(1).strip('"').lower()
    results = []
    for section in sections[1:]:
        found = _RESULT.match(section)
        if found is None:
            continue
        method, result = found.group(1).lower(), found.group(2).lower()
        if method == "none":  # "; none": the server checked nothing
            continue
        results.append(AuthResult(authserv_id, method, result))
    return results


def parse_fields(values: list[str]) -> list[AuthResult]:
    return [result for value in values for result in parse_field(value)]


def failed_checks(results: list[AuthResult], trusted_ids) -> list[str]:
    """`method=fail` for DMARC and SPF, as said by a trusted server; [] when none failed."""
    trusted = {i.strip().lower() for i in trusted_ids if i.strip()}
    failed = []
    for r in results:
        if r.authserv_id in trusted and r.method in ("dmarc", "spf") and r.result == "fail":
            failed.append(f"{r.method}=fail")
    return list(dict.fromkeys(failed))
