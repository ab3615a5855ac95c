"""Raw mail bytes to a ParsedMail: decoded headers and text whatever the charset, safe HTML, files.

Uses the stdlib parser in its compat32 mode (the fastest) and decodes headers and bodies by hand, so
that an unknown or wrong charset degrades to a readable text instead of an exception.
"""

import email
import email.utils
import hashlib
import html
import re
from dataclasses import dataclass, field
from datetime import datetime
from email.header import Header, decode_header
from email.message import Message

import nh3

REFERENCE_RE = re.compile(r"\[(REQ-\d{4}-\d{6})\]")
MESSAGE_ID_RE = re.compile(r"<[^<>\s]+>")
_BLOCK_END_RE = re.compile(r"(?i)<\s*(br\s*/?|/p|/div|/li|/tr|/h[1-6]|/table|/blockquote)\s*>")
_BLANK_LINES_RE = re.compile(r"\n[ \t]*(\n[ \t]*)+\n")
_SAFE_TAGS = frozenset(nh3.ALLOWED_TAGS - {"img", "area", "map"})
_AUTO_SUBJECT_RE = re.compile(
    r"(?i)^\s*(automatic reply|auto(matic)?[- ]?reply|out of (the )?office|absence|réponse automatique"
    r"|r[ée]ponse automatique|undeliverable|undelivered mail|delivery status notification|"
    r"mail delivery (failed|failure))\b"
)
_BOUNCE_SENDERS = ("mailer-daemon@", "postmaster@")
_LATIN1_ALIASES = {"iso-8859-1", "iso8859-1", "latin-1", "latin1", "l1", "iso_8859-1"}
_UNKNOWN_CHARSETS = {"", "unknown-8bit", "x-unknown", "us-ascii", "ascii", "default", "8bit"}


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Bytes to text with the declared charset, falling back to UTF-8 then windows-1252: never raises."""
    charset = (charset or "").strip().strip('"').lower()
    if charset in _LATIN1_ALIASES:
        charset = "cp1252"  # what mail clients actually send under that label
    if charset and charset not in _UNKNOWN_CHARSETS:
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _unfold(value: str) -> str:
    """One line, without NUL characters (PostgreSQL refuses them in text columns)."""
    return " ".join(value.replace("\x00", "").split())


def header_text(msg: Message, name: str) -> str:
    """A header decoded to text: RFC 2047 words, raw 8-bit (undeclared) and folding all handled."""
    value = msg.get(name)
    if value is None:
        return ""
    if isinstance(value, str) and "=?" not in value:
        return _unfold(value)
    try:
        chunks = decode_header(value if isinstance(value, Header) else str(value))
    except Exception:  # a malformed encoded word: show it as it came
        return _unfold(str(value))
    text = "".join(
        chunk if isinstance(chunk, str) else decode_bytes(chunk, charset) for chunk, charset in chunks
    )
    return _unfold(text)


def html_to_text(markup: str) -> str:
    """Readable plain text from HTML: block ends become line breaks, scripts and styles disappear."""
    marked = _BLOCK_END_RE.sub("\n", markup)
    text = html.unescape(nh3.clean(marked, tags=set()))
    return _BLANK_LINES_RE.sub("\n\n", text.replace("\r", "")).strip()


def safe_html(markup: str) -> str:
    """HTML that may be shown in the portal: no scripts, styles, images, events or foreign schemes."""
    return nh3.clean(markup, tags=set(_SAFE_TAGS))


@dataclass
class ParsedAttachment:
    filename: str
    content_type: str
    data: bytes
    inline: bool = False


@dataclass
class ParsedMail:
    message_id: str
    subject: str
    from_email: str
    from_name: str
    date: datetime | None
    in_reply_to: list[str]
    references: list[str]
    text: str
    html: str  # sanitised already
    headers: str
    attachments: list[ParsedAttachment] = field(default_factory=list)
    noise_reason: str = ""  # set for auto-replies, bounces, list traffic
    loop_header: str = ""

    @property
    def subject_reference(self) -> str | None:
        match = REFERENCE_RE.search(self.subject)
        return match.group(1) if match else None

    @property
    def is_empty(self) -> bool:
        return not self.subject.strip() and not self.text.strip() and not self.attachments


def dedup_key(message_id: str, raw: bytes) -> str:
    """The identity of a mail: its Message-ID, or its bytes when it has none."""
    if message_id:
        return hashlib.sha256(b"mid:" + message_id.encode("utf-8", "surrogateescape")).hexdigest()
    return hashlib.sha256(b"raw:" + raw).hexdigest()


def header_message_id(msg: Message) -> str:
    found = MESSAGE_ID_RE.search(header_text(msg, "Message-ID"))
    return found.group(0)[:255] if found else ""


def noise_reason(msg: Message, from_email: str, subject: str, loop_header: str) -> str:
    """Why a mail is automatic (to be kept but neither turned into a request nor answered), or ''."""
    get = msg.get
    if get(loop_header) is not None:
        return "loop"
    if from_email.startswith(_BOUNCE_SENDERS) or msg.get_content_type() == "multipart/report":
        return "bounce"
    auto_submitted = str(get("Auto-Submitted", "")).strip().lower()
    if auto_submitted and auto_submitted != "no":
        return "auto-reply"
    if get("X-Autoreply") is not None or get("X-Autorespond") is not None:
        return "auto-reply"
    if get("X-Auto-Response-Suppress") is not None:
        return "auto-reply"
    precedence = str(get("Precedence", "")).strip().lower()
    if precedence == "auto_reply":
        return "auto-reply"
    if precedence in ("bulk", "junk", "list"):
        return f"precedence-{precedence}"
    if get("List-Id") is not None:
        return "mailing-list"
    if get("X-Loop") is not None:
        return "loop"
    if _AUTO_SUBJECT_RE.match(subject):
        return "auto-reply"
    return ""


def _filename(part: Message) -> str:
    try:
        name = part.get_filename()
    except Exception:
        name = None
    if not name:
        return ""
    if "=?" in name:
        name = "".join(
            chunk if isinstance(chunk, str) else decode_bytes(chunk, charset)
            for chunk, charset in decode_header(name)
        )
    return _unfold(name)


def _payload_bytes(part: Message) -> bytes:
    data = part.get_payload(decode=True)
    if data is None:
        payload = part.get_payload()
        data = payload.encode("utf-8", "surrogateescape") if isinstance(payload, str) else b""
    return data


class _Collector:
    def __init__(self):
        self.plain: list[str] = []
        self.html: list[str] = []
        self.attachments: list[ParsedAttachment] = []
        self.forwarded: list[str] = []

    def visit(self, part: Message, *, in_alternative: bool = False) -> None:
        ctype = part.get_content_type()
        if ctype == "message/rfc822":
            self._forwarded(part)
            return
        if part.is_multipart():
            alternative = ctype == "multipart/alternative"
            for sub in part.get_payload():
                self.visit(sub, in_alternative=alternative or in_alternative)
            return
        disposition = (part.get_content_disposition() or "").lower()
        name = _filename(part)
        if ctype in ("text/plain", "text/html") and disposition != "attachment" and not name:
            text = decode_bytes(_payload_bytes(part), part.get_content_charset())
            (self.plain if ctype == "text/plain" else self.html).append(text)
            return
        data = _payload_bytes(part)
        if not data and not name:
            return
        inline = disposition == "inline" or (bool(part.get("Content-ID")) and ctype.startswith("image/"))
        if not name:
            extension = {"text/plain": "txt", "text/html": "html", "text/calendar": "ics"}.get(ctype)
            extension = extension or (ctype.split("/")[-1] if "/" in ctype else "bin")
            name = f"{'image' if ctype.startswith('image/') else 'piece-jointe'}-{len(self.attachments) + 1}"
            name = f"{name}.{extension[:10]}"
        self.attachments.append(ParsedAttachment(name, ctype, data, inline and ctype.startswith("image/")))

    def _forwarded(self, part: Message) -> None:
        inner = part.get_payload(0) if part.is_multipart() else None
        if not isinstance(inner, Message):
            data = _payload_bytes(part)
            self.attachments.append(ParsedAttachment("message-transfere.eml", "message/rfc822", data))
            return
        subject = header_text(inner, "Subject")
        sub = _Collector()
        sub.visit(inner)
        body = "\n".join(sub.plain) or html_to_text("\n".join(sub.html))
        self.forwarded.append(
            f"---------- Forwarded message ----------\nFrom: {header_text(inner, 'From')}\n"
            f"Date: {header_text(inner, 'Date')}\nSubject: {subject}\n\n{body}"
        )
        self.attachments.extend(sub.attachments)
        name = (re.sub(r"[^\w\- .]", "_", subject)[:80].strip() or "message-transfere") + ".eml"
        self.attachments.append(ParsedAttachment(name, "message/rfc822", inner.as_bytes()))


def parse_message(raw: bytes, *, loop_header: str = "X-Relais-DSI-Loop") -> ParsedMail:
    """Parse raw mail bytes. Raises ValueError when the bytes are not a mail at all."""
    msg = email.message_from_bytes(raw)
    if not msg.keys():
        raise ValueError("no header")
    subject = header_text(msg, "Subject")
    from_name, from_email = email.utils.parseaddr(header_text(msg, "From") or header_text(msg, "Sender"))
    from_email = from_email.strip().lower()
    try:
        date = email.utils.parsedate_to_datetime(msg["Date"]) if msg["Date"] else None
        if date is not None and date.tzinfo is None:
            date = None
    except (TypeError, ValueError, IndexError):
        date = None
    collector = _Collector()
    collector.visit(msg)
    html_source = "\n".join(collector.html)
    text = "\n".join(collector.plain) if collector.plain else html_to_text(html_source) if html_source else ""
    if collector.forwarded:
        text = "\n\n".join([text, *collector.forwarded]).strip()
    headers = "\n".join(f"{name}: {header_text(msg, name)}" for name in dict.fromkeys(msg.keys()))
    return ParsedMail(
        message_id=header_message_id(msg),
        subject=subject[:255],
        from_email=from_email if "@" in from_email else "",
        from_name=from_name[:200],
        date=date,
        in_reply_to=MESSAGE_ID_RE.findall(header_text(msg, "In-Reply-To")),
        references=MESSAGE_ID_RE.findall(header_text(msg, "References")),
        text=text.replace("\r\n", "\n").replace("\x00", ""),
        html=safe_html(html_source) if html_source else "",
        headers=headers,
        attachments=collector.attachments,
        noise_reason=noise_reason(msg, from_email, subject, loop_header),
    )


def peek_headers(raw: bytes) -> tuple[str, str, str]:
    """(Message-ID, sender, subject) of mail bytes without parsing the body: for oversize mail."""
    head = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    msg = email.message_from_bytes(head + b"\n\n")
    return header_message_id(msg), header_text(msg, "From")[:255], header_text(msg, "Subject")[:255]
