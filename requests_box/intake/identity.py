"""When two mails are the same mail: the Message-ID, and a digest of what does not change in transit.

A mail delivered twice (a re-poll, two aliases, a copy in two folders, an mbox holding it twice, a
redirect adding `Resent-*` fields) gets new trace fields (`Received`, `Delivered-To`, `Return-Path`,
`X-…`) and sometimes a new transfer encoding (an 8-bit body turned into quoted-printable by a relay) or
new line ends (CRLF over IMAP, LF in an mbox). None of that is its content. The content digest is over
the MIME leaf parts' decoded payloads (text parts with normalised line ends and trailing blanks), the
fields of a delivery-status report, and the author's `Date`. The rule is written in MAIL.md, "Same mail".
"""

import email.utils
import hashlib
import re
from dataclasses import dataclass
from email.message import Message

from requests_box.intake.mime import content_type

_TRAILING_BLANKS = re.compile(rb"[ \t]+(?=\n)")
_VERSION = b"content-v1\0"


def normal_text(data: bytes) -> bytes:
    """Text bytes with CRLF (or CR) line ends as LF, no blanks at line ends, no blank lines at the end."""
    data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return _TRAILING_BLANKS.sub(b"", data).rstrip(b" \t\n")


def _feed(digest, label: str, data: bytes) -> None:
    head = label.encode("ascii", "replace")
    digest.update(b"%s\0%d\0" % (head, len(data)))
    digest.update(data)


def _date_mark(value) -> bytes:
    """The author's Date as an instant (refolding or another spelling of the same time changes nothing)."""
    if not value:
        return b""
    text = " ".join(str(value).encode("utf-8", "surrogateescape").decode("ascii", "replace").split())
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except Exception:
        parsed = None
    if parsed is None or parsed.tzinfo is None:
        return text.encode("ascii", "replace")
    return str(int(parsed.timestamp())).encode("ascii")


def content_digest(msg: Message, payload_bytes, report_fields) -> str:
    """sha256 over the mail's leaf parts (decoded), report fields and Date. `payload_bytes(part)` and
    `report_fields(part)` are the parser's own readers, so what is hashed is what intake reads."""
    digest = hashlib.sha256(_VERSION)
    _feed(digest, "date", _date_mark(msg.get("Date")))
    for part in msg.walk():
        ctype = content_type(part)
        if ctype in ("message/delivery-status", "message/global-delivery-status"):
            fields = report_fields(part)
            _feed(digest, ctype, repr(fields).encode("utf-8", "surrogateescape"))
            continue
        if part.is_multipart():
            continue
        data = payload_bytes(part)
        if ctype.startswith("text/") or ctype.startswith("message/"):
            data = normal_text(data)
        _feed(digest, ctype, data)
    return digest.hexdigest()


def body_digest(date_value, body: bytes) -> str:
    """The digest of a mail read without its structure (too large, or past reading): its body bytes."""
    digest = hashlib.sha256(_VERSION)
    _feed(digest, "date", _date_mark(date_value))
    _feed(digest, "body", normal_text(body))
    return digest.hexdigest()


def legacy_key(message_id: str, raw: bytes) -> str:
    """The key receipts had before the content digest: the Message-ID alone, or the raw bytes."""
    if message_id:
        return hashlib.sha256(b"mid:" + message_id.encode("utf-8", "surrogateescape")).hexdigest()
    return hashlib.sha256(b"raw:" + raw).hexdigest()


@dataclass(frozen=True)
class MailIdentity:
    message_id: str
    digest: str  # "" when the bytes are not a mail at all (then the raw bytes are the identity)
    key: str  # MailReceipt.dedup_key of a receipt written now
    legacy: str  # the key an older receipt of the same mail holds

    @property
    def keys(self) -> tuple[str, ...]:
        return (self.key, self.legacy) if self.legacy != self.key else (self.key,)


def identity(message_id: str, digest: str, raw: bytes) -> MailIdentity:
    legacy = legacy_key(message_id, raw)
    if not digest:
        return MailIdentity(message_id, "", legacy, legacy)
    key = hashlib.sha256(
        b"mail:" + message_id.encode("utf-8", "surrogateescape") + b"\0" + digest.encode("ascii")
    ).hexdigest()
    return MailIdentity(message_id, digest, key, legacy)
