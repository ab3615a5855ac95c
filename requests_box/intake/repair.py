"""Small defects that would otherwise cost a whole mail: junk before the headers, headers folded without
indentation, no blank line after the headers, a multipart without its boundary, broken base64.

Each repair is tried only when the email package reports the defect it fixes, so sound mail costs nothing.
"""

import binascii
import re

_HEADER = re.compile(rb"[!-9;-~]+:")  # a field name (printable, no colon) then a colon
# A line that surely starts a header field: an RFC 5322 name, not a URL ("http://...").
_SURE_HEADER = re.compile(rb"[A-Za-z0-9][A-Za-z0-9_.-]*:(?!//)")
_MAIL_HEADER = re.compile(
    rb"(?i)(from|to|cc|subject|date|message-id|received|return-path|mime-version|content-type|sender"
    rb"|reply-to|delivered-to|x-[a-z0-9-]+|dkim-signature|arc-[a-z-]+|authentication-results|references"
    rb"|in-reply-to|thread-topic|thread-index|importance|user-agent|envelope-to)[ \t]*:"
)
_MAX_JUNK_LINES = 20
_MAX_HEAD_LINES = 5000
_SEPARATOR = re.compile(rb"\r?\n[ \t]*\r?\n")
_BOUNDARY_LINE = re.compile(rb"(?m)^--([!-~]{1,200}?)(--)?[ \t]*\r?$")


def _is_header(line: bytes, pattern: re.Pattern = _HEADER) -> bool:
    """A header line; the obsolete space before the colon ("Subject :") only for the usual names."""
    return bool(pattern.match(line) or _MAIL_HEADER.match(line))


def _blank(line: bytes) -> bool:
    return not line.strip(b"\r\n")


def _head_start(lines: list[bytes]) -> int | None:
    """Index of the first line of the header block, after junk lines (a POP3 status, a stray blank line,
    a client's banner), or None when no block of mail headers starts near the top."""
    if lines and _is_header(lines[0]):
        return 0
    for index, line in enumerate(lines[:_MAX_JUNK_LINES]):
        stripped = line.lstrip(b" \t")
        if stripped.startswith(b"From ") and index + 1 < len(lines) and _is_header(lines[index + 1]):
            return index  # an mbox separator line right before the headers
        if _MAIL_HEADER.match(stripped):
            return index
    return None


def repair_head(raw: bytes) -> tuple[bytes, list[str]] | None:
    """The mail with its header block put right, and what was repaired; None when there is nothing to do."""
    lines = raw.split(b"\n", _MAX_HEAD_LINES)
    rest = lines.pop() if len(lines) > _MAX_HEAD_LINES else None
    start = _head_start(lines)
    if start is None:
        return None
    notes = ["junk-before-headers"] if start else []
    first = lines[start]
    if first[:1] in (b" ", b"\t"):
        first = first.lstrip(b" \t")
        notes.append("first-header-line-indented")
    block_end = next((i for i in range(start + 1, len(lines)) if _blank(lines[i])), len(lines))
    last_header = max(
        (i for i in range(start, block_end) if _is_header(lines[i], _SURE_HEADER)), default=start
    )
    head = [first]
    index = start + 1
    while index < block_end:
        line = lines[index]
        if line[:1] in (b" ", b"\t"):
            head.append(line)
        elif _is_header(line):
            name, colon, value = line.partition(b":")
            if name[-1:] in (b" ", b"\t"):  # obsolete "Subject :", which the email package stops at
                line = name.rstrip(b" \t") + colon + value
                notes.append("space-before-colon")
            head.append(line)
        elif index < last_header:  # a header line folded without its leading space
            head.append(b" " + line)
            if "header-folded-without-indentation" not in notes:
                notes.append("header-folded-without-indentation")
        else:  # the body began without the blank line
            head.append(b"\r" if line.endswith(b"\r") else b"")
            notes.append("missing-header-body-separator")
            break
        index += 1
    if not notes:
        return None
    repaired = b"\n".join([*head, *lines[index:]])
    return (repaired + b"\n" + rest if rest is not None else repaired), notes


def guess_boundary(body: bytes) -> bytes | None:
    """The boundary of a multipart body whose Content-Type lost it: the delimiter line it repeats."""
    counts: dict[bytes, int] = {}
    for match in _BOUNDARY_LINE.finditer(body[:1_000_000]):
        token = match.group(1)
        if b'"' in token or b"\\" in token:
            continue
        counts[token] = counts.get(token, 0) + 1 + bool(match.group(2))
    best = max(counts, key=counts.__getitem__, default=None)
    return best if best is not None and counts[best] >= 2 else None


def lenient_base64(data: bytes) -> bytes:
    """Base64 with stray characters, missing padding or a cut-off end: as much as can be read."""
    cleaned = re.sub(rb"[^A-Za-z0-9+/]", b"", data)
    cleaned = cleaned[: len(cleaned) - 1] if len(cleaned) % 4 == 1 else cleaned
    try:
        return binascii.a2b_base64(cleaned + b"=" * (-len(cleaned) % 4))
    except binascii.Error:
        return data


def split_head(raw: bytes) -> tuple[bytes, bytes, bytes]:
    """(header block, separator, body) of mail bytes, the header block repaired when it needs it."""
    repaired = repair_head(raw)
    data = repaired[0] if repaired is not None else raw
    match = _SEPARATOR.search(data)
    if match is None:
        return data, b"", b""
    return data[: match.start()], match.group(0), data[match.end() :]
