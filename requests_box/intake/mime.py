"""Mail bytes to the stdlib's compat32 `Message` tree, without the line-by-line feed parser when it can.

`email.message_from_bytes` reads a mail a line at a time through Python code and compiles a regular
expression for every multipart boundary: most of its time goes to the lines of base64 attachments and to
those compilations. `message_from_bytes` here builds the very same tree (the same headers, payload
strings, preambles, epilogues, defects and default types) by cutting the text at its header blocks and
boundary lines with string searches, for the mail whose structure is regular. Whenever a mail has
anything the feed parser treats in a particular way (a missing boundary, a missing or doubled delimiter, a
header block without its blank line, a `From ` line, a delivery-status block, boundaries one of which
begins another), it hands the whole mail to the stdlib parser instead, so the result is always the
stdlib's. `tests/requests_box/test_mime.py` compares both trees over every mail of the test corpus and
over mutated copies of them.
"""

import email
import re
from email import errors
from email._policybase import compat32
from email.message import Message

# What the feed parser takes for a header line (email.feedparser.headerRE), and for a blank line.
_HEADER_LINE = re.compile(r"(From |[\041-\071\073-\176]*:|[\t ])")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)?")
_DELIMITER_TAIL = re.compile(r"(--)?[ \t]*(\r\n|\r|\n|\Z)")
_VALID_MULTIPART_CTE = ("7bit", "8bit", "binary")


def content_type(part: Message) -> str:
    """`part.get_content_type()`, read once per part: it scans the part's headers on every call, and
    intake asks it of each part several times. The reader notes it on the parts it builds."""
    ctype = part.__dict__.get("_relais_content_type")
    if ctype is None:
        ctype = part._relais_content_type = part.get_content_type()
    return ctype


class _Irregular(Exception):
    """The fast reading stops: the stdlib parser reads the mail."""


def message_from_bytes(raw: bytes) -> Message:
    """The same tree as `email.message_from_bytes(raw)` (compat32), faster for regular mail."""
    msg = regular_tree(raw)
    return msg if msg is not None else email.message_from_bytes(raw)


def regular_tree(raw: bytes) -> Message | None:
    """The tree of a regular mail read by string searches; None when the stdlib parser must read it."""
    text = raw.decode("ascii", "surrogateescape")
    try:
        return _message(text, 0, len(text), None, ())
    except Exception:  # _Irregular, or anything unforeseen: the stdlib's tree, and its errors
        return None


def _message(text: str, start: int, end: int, parent: Message | None, boundaries: tuple[str, ...]) -> Message:
    msg = Message(policy=compat32)
    if parent is not None:
        if content_type(parent) == "multipart/digest":
            msg.set_default_type("message/rfc822")
        parent.attach(msg)
    body = _headers(msg, text, start, end)
    ctype = content_type(msg)
    if ctype == "message/delivery-status":
        raise _Irregular
    maintype = ctype.partition("/")[0]  # as Message.get_content_maintype reads it
    if maintype == "message":
        _message(text, body, end, msg, boundaries)
    elif maintype == "multipart":
        _multipart(msg, text, body, end, boundaries)
    else:
        msg._payload = text[body:end]
    return msg


def _headers(msg: Message, text: str, position: int, end: int) -> int:
    """Read the header block at `position`; returns where the body begins (after the blank line)."""
    lines: list[str] = []
    while position < end:
        line = _LINE.match(text, position, end).group()
        if not line:
            break
        if not _HEADER_LINE.match(line):
            if line[0] not in "\r\n":  # a header block without its blank line
                raise _Irregular
            position += len(line)
            break
        if line.startswith("From "):
            raise _Irregular
        lines.append(line)
        position += len(line)
    current: list[str] = []
    for line in lines:
        if line[0] in " \t":
            if not current:  # the first line a continuation
                raise _Irregular
            current.append(line)
            continue
        if current:
            msg.set_raw(*compat32.header_source_parse(current))
        if line[0] == ":":  # a field without a name
            raise _Irregular
        current = [line]
    if current:
        msg.set_raw(*compat32.header_source_parse(current))
    return position


def _multipart(msg: Message, text: str, start: int, end: int, boundaries: tuple[str, ...]) -> None:
    boundary = msg.get_boundary()
    if boundary is None:
        raise _Irregular
    for other in boundaries:  # one line could then close two levels: the feed parser decides
        if other.startswith(boundary) or boundary.startswith(other):
            raise _Irregular
    if str(msg.get("content-transfer-encoding", "8bit")).lower() not in _VALID_MULTIPART_CTE:
        compat32.handle_defect(msg, errors.InvalidMultipartContentTransferEncodingDefect())
    separator = "--" + boundary
    inner = (*boundaries, boundary)
    delimiters = []  # (line start, line end, closing)
    search = start
    while True:
        found = text.find(separator, search, end)
        if found < 0:
            raise _Irregular  # no closing delimiter (or none at all)
        search = found + len(separator)
        if found != start and text[found - 1] not in "\r\n":
            continue
        tail = _DELIMITER_TAIL.match(text, search, end)
        if tail is None or (tail.group(2) == "" and tail.end() != len(text)):
            continue
        closing = tail.group(1) is not None
        if closing and not delimiters:
            raise _Irregular  # a closing delimiter before any opening one
        delimiters.append((found, tail.end(), closing))
        search = tail.end()
        if closing:
            break
    first = delimiters[0][0]
    if first > start:  # the preamble; its last line end belongs to the delimiter
        preamble = text[start:first]
        msg.preamble = _without_last_eol(preamble)
    for (_s, part_start, _c), (part_end, _e, _closing) in zip(delimiters, delimiters[1:], strict=False):
        if part_start == part_end:
            raise _Irregular  # two delimiters in a row: the feed parser skips the second
        part = _message(text, part_start, part_end, msg, inner)
        _trim_last(_last_of(part))
    # The rest is the epilogue (empty when the closing line ends the text without a line end).
    msg.epilogue = text[delimiters[-1][1] : end]


def _last_of(part: Message) -> Message:
    """The message the feed parser last created while reading `part` (the one whose end it trims)."""
    while content_type(part).startswith("message/") and isinstance(part._payload, list):
        part = part._payload[0]
    return part


def _trim_last(last: Message) -> None:
    """The line end before a delimiter belongs to the delimiter, not to the part before it."""
    if content_type(last).startswith("multipart/"):
        epilogue = last.epilogue
        if epilogue == "":
            last.epilogue = None
        elif epilogue is not None:
            last.epilogue = _without_last_eol(epilogue)
        return
    if isinstance(last._payload, str):
        last._payload = _without_last_eol(last._payload)


def _without_last_eol(value: str) -> str:
    """`value` without its last line end (CRLF, CR or LF), as the feed parser's NLCRE_eol cuts it."""
    if value.endswith("\r\n"):
        return value[:-2]
    if value.endswith(("\r", "\n")):
        return value[:-1]
    return value
