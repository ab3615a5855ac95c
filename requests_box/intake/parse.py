"""Raw mail bytes to a ParsedMail: the sender's address, decoded headers and text, safe HTML, files, bounces.

Uses the stdlib parser in its compat32 mode (the fastest) and reads addresses, encoded words and bodies
by hand, so that a wrong charset or a small defect degrades to readable text instead of an exception.
The rules are written down in docs/formats/MAIL.md, "How a mail is read". The one exception that leaves
`parse_message` is `NotAMail`: the bytes hold no mail at all.
"""

import binascii
import email
import email.errors
import email.utils
import html
import re
from dataclasses import dataclass, field
from datetime import datetime
from email.message import Message
from email.parser import BytesHeaderParser

import nh3
from django.utils.translation import gettext

from requests_box.intake import mime, repair
from requests_box.intake.addresses import ENCODED_WORD, Mailbox, choose_sender, mailboxes
from requests_box.intake.authresults import AuthResult, parse_fields
from requests_box.intake.bounces import (
    DELIVERY_STATUS_TYPES,
    ORIGINAL_HEADERS_TYPES,
    BounceRecipient,  # noqa: F401 - part of this module's interface
    BounceReport,
    build_report,
    read_fields,
)
from requests_box.intake.charsets import Decoder, decode_bytes  # noqa: F401 - decode_bytes re-exported
from requests_box.intake.identity import body_digest, content_digest
from requests_box.intake.mime import content_type

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
_EMAIL_LIKE_RE = re.compile(r"[^\s<>@]{1,64}@[^\s<>@]{1,255}")  # bounded: linear on hostile names
_REPAIRED_DEFECTS = (
    email.errors.MissingHeaderBodySeparatorDefect,
    email.errors.FirstHeaderLineIsContinuationDefect,
)
_EXTENSIONS = {"text/plain": "txt", "text/html": "html", "text/calendar": "ics", "text/rfc822-headers": "txt"}
_META_CHARSET_RE = re.compile(rb"""(?i)<meta[^>]{0,200}?charset\s*=\s*["']?\s*([a-z0-9_:.\-]{1,40})""")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
# What makes get_param do more than split on ";" and "=" (quotes, escapes, RFC 2231, <…>, comments).
_PARAM_SPECIALS = frozenset('"\\*<>()')
_MAX_DEPTH = 40  # MIME nesting read part by part; deeper mail is kept whole as an .eml file


class NotAMail(ValueError):
    """The bytes hold no mail at all (no header block near the top). Intake quarantines them whole."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class TooDeeplyNested(Exception):
    """Raised inside the parser only: the mail is then read as headers and text (see _degraded)."""


def _unfold(value: str) -> str:
    """One line, without NUL characters (PostgreSQL refuses them in text columns)."""
    return " ".join(value.replace("\x00", "").split())


def _word_bytes(encoding: str, text: str) -> bytes:
    data = text.encode("utf-8", "surrogateescape")
    if encoding in "qQ":
        return binascii.a2b_qp(data, header=True)
    try:
        return binascii.a2b_base64(data, strict_mode=False)
    except binascii.Error:
        return repair.lenient_base64(data)


def decode_words(value: str, decoder: Decoder) -> str:
    """An undecoded header value as one line of text: RFC 2047 words (split characters joined again,
    inside quotes too), raw 8-bit bytes read as undeclared text."""
    if "=?" not in value:
        return _unfold(_raw_text(value, decoder))
    out: list[str] = []
    pending: tuple[str, bytearray] | None = None
    position = 0
    for word in ENCODED_WORD.finditer(value):
        between = value[position : word.start()]
        if between and not (pending is not None and between.isspace()):  # space between words vanishes
            if pending is not None:
                out.append(decoder.decode(bytes(pending[1]), pending[0]))
                pending = None
            out.append(_raw_text(between, decoder))
        charset, data = word.group(1), _word_bytes(word.group(2), word.group(3))
        if pending is not None and pending[0].lower() == charset.lower():
            pending[1].extend(data)  # a multibyte character may be split across two words
        else:
            if pending is not None:
                out.append(decoder.decode(bytes(pending[1]), pending[0]))
            pending = (charset, bytearray(data))
        position = word.end()
    if pending is not None:
        out.append(decoder.decode(bytes(pending[1]), pending[0]))
    out.append(_raw_text(value[position:], decoder))
    return _unfold("".join(out))


def _raw_text(value: str, decoder: Decoder) -> str:
    """Header text outside encoded words: raw 8-bit bytes, or raw ISO-2022-JP, read as undeclared."""
    if value.isascii() and "\x1b" not in value:
        return value
    return decoder.undeclared(value.encode("utf-8", "surrogateescape"))


def header_text(msg: Message, name: str, decoder: Decoder | None = None) -> str:
    """A header decoded to text: RFC 2047 words, raw 8-bit (undeclared) and folding all handled."""
    name = name.lower()
    for field_name, value in msg.raw_items():
        if field_name.lower() == name:
            return decode_words(_raw_value(value), decoder or Decoder())
    return ""


def _raw_value(value) -> str:
    # Parsed from bytes, compat32 stores each value as it came (raw 8-bit bytes as surrogates).
    return value if isinstance(value, str) else str(value)


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
    from_email: str  # THE sender: see addresses.choose_sender; "" when the mail names none for sure
    from_name: str  # display only, never looked up; "" when it passes for another address
    date: datetime | None
    in_reply_to: list[str]
    references: list[str]
    text: str
    html: str  # sanitised already
    headers: str
    attachments: list[ParsedAttachment] = field(default_factory=list)
    noise_reason: str = ""  # set for auto-replies, bounces, list traffic
    loop_header: str = ""
    from_addresses: list[str] = field(default_factory=list)  # every valid address of every From field
    to_addresses: list[str] = field(default_factory=list)
    cc_addresses: list[str] = field(default_factory=list)
    sender_problem: str = ""  # why from_email is empty when From holds addresses
    bounce: BounceReport | None = None  # the delivery report of a bounce
    defects: list[str] = field(default_factory=list)  # what was wrong with the mail and read anyway
    content_digest: str = ""  # what stays the same between deliveries (identity.content_digest)
    auth_results: list[AuthResult] = field(default_factory=list)  # every Authentication-Results result

    @property
    def subject_reference(self) -> str | None:
        match = REFERENCE_RE.search(self.subject)
        return match.group(1) if match else None

    @property
    def is_empty(self) -> bool:
        return not self.subject.strip() and not self.text.strip() and not self.attachments


def header_message_id(msg: Message) -> str:
    found = MESSAGE_ID_RE.search(header_text(msg, "Message-ID"))
    return found.group(0)[:255] if found else ""


def noise_reason(msg: Message, first: dict[str, str], from_email: str, subject: str, loop_header: str) -> str:
    """Why a mail is automatic (to be kept but neither turned into a request nor answered), or ''.
    `first`: the mail's first value of each header, by lower-case name (`_Headers.first`)."""
    get = first.get
    if get(loop_header.lower()) is not None:
        return "loop"
    if from_email.startswith(_BOUNCE_SENDERS) or content_type(msg) == "multipart/report":
        return "bounce"
    auto_submitted = _unfold(str(get("auto-submitted", ""))).lower()
    if auto_submitted and auto_submitted != "no":
        return "auto-reply"
    if get("x-autoreply") is not None or get("x-autorespond") is not None:
        return "auto-reply"
    if get("x-auto-response-suppress") is not None:
        return "auto-reply"
    precedence = _unfold(str(get("precedence", ""))).lower()
    if precedence == "auto_reply":
        return "auto-reply"
    if precedence in ("bulk", "junk", "list"):
        return f"precedence-{precedence}"
    if get("list-id") is not None:
        return "mailing-list"
    if get("x-loop") is not None:
        return "loop"
    if _AUTO_SUBJECT_RE.match(subject):
        return "auto-reply"
    return ""


def _payload_bytes(part: Message) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception:
        data = None
    if data is None:
        payload = part.get_payload()
        return payload.encode("utf-8", "surrogateescape") if isinstance(payload, str) else b""
    if any(isinstance(d, email.errors.InvalidBase64LengthDefect) for d in part.defects):
        payload = part.get_payload()
        if isinstance(payload, str):
            return repair.lenient_base64(payload.encode("ascii", "surrogateescape"))
    return data


def _param(part: Message, name: str, header: str = "content-type"):
    raw = part.get(header)
    if raw is None or name not in str(raw).lower():  # most parts: no need to parse the parameters
        return None
    if isinstance(raw, str) and not _PARAM_SPECIALS.intersection(raw):  # plain: as get_param reads it
        for piece in raw.split(";"):
            key, _equals, value = piece.partition("=")
            if key.strip().lower() == name:
                return value.strip()
        return None
    if not isinstance(raw, str):  # raw 8-bit bytes, which get_param would turn into "?": read by hand
        value = next((v for k, v in part.raw_items() if k.lower() == header), "")
        found = re.search(rf'(?i)(?:^|;)\s*{name}\s*=\s*("(?:[^"\\]|\\.)*"|[^;\s]+)', str(value))
        return email.utils.unquote(found.group(1)) if found else None
    try:
        return part.get_param(name, header=header)
    except Exception:
        return None


def _charset(part: Message) -> str | None:
    value = _param(part, "charset")
    if isinstance(value, tuple):  # RFC 2231 form
        value = value[2]
    return str(value) if value else None


class _Collector:
    def __init__(self, decoder: Decoder, depth: int = 0):
        self.decoder = decoder
        self.depth = depth
        self.plain: list[str] = []
        self.html: list[str] = []
        self.attachments: list[ParsedAttachment] = []
        self.forwarded: list[str] = []
        self.report_fields: list[list[tuple[str, str]]] | None = None
        self.report_original: Message | None = None
        self.defects: list[str] = []
        self.payloads: dict[int, bytes] = {}  # decoded leaf payloads, read again by the content digest

    def payload(self, part: Message) -> bytes:
        data = self.payloads.get(id(part))
        if data is None:
            data = self.payloads[id(part)] = _payload_bytes(part)
        return data

    def visit(self, part: Message, *, depth: int = 0, parent: str = "") -> None:
        if depth + self.depth > _MAX_DEPTH:
            raise TooDeeplyNested
        self.defects.extend(type(d).__name__ for d in part.defects)
        ctype = content_type(part)
        if ctype in ("message/rfc822", "message/global"):
            self._forwarded(part, depth=depth, in_report=parent == "multipart/report")
            return
        if ctype in DELIVERY_STATUS_TYPES:
            self.report_fields = read_fields(part)
            return
        if ctype in ORIGINAL_HEADERS_TYPES and self.report_original is None:
            self.report_original = BytesHeaderParser().parsebytes(_payload_bytes(part))
        if part.is_multipart():
            for sub in part.get_payload():
                self.visit(sub, depth=depth + 1, parent=ctype)
            return
        if ctype.startswith("multipart/"):
            self._lost_boundary(part, depth)
            return
        disposition = (part.get_content_disposition() or "").lower()
        name = self._filename(part)
        if ctype in ("text/plain", "text/html") and disposition != "attachment" and not name:
            data, charset = self.payload(part), _charset(part)
            if ctype == "text/html" and charset is None:  # the charset an HTML page declares itself
                meta = _META_CHARSET_RE.search(data[:4096])
                charset = meta.group(1).decode("ascii") if meta else None
            (self.plain if ctype == "text/plain" else self.html).append(self.decoder.decode(data, charset))
            return
        data = self.payload(part)
        if not data and not name:
            return
        inline = disposition == "inline" or (bool(part.get("Content-ID")) and ctype.startswith("image/"))
        if not name:
            extension = _EXTENSIONS.get(ctype)
            extension = extension or (ctype.split("/")[-1] if "/" in ctype else "bin")
            name = f"{'image' if ctype.startswith('image/') else 'piece-jointe'}-{len(self.attachments) + 1}"
            name = f"{name}.{extension[:10]}"
        self.attachments.append(ParsedAttachment(name, ctype, data, inline and ctype.startswith("image/")))

    def _filename(self, part: Message) -> str:
        for name, header in (("filename", "content-disposition"), ("name", "content-type")):
            value = _param(part, name, header)
            if isinstance(value, tuple):  # RFC 2231: (charset, language, %-decoded text)
                charset, _language, text = value
                data = text.encode("raw-unicode-escape") if isinstance(text, str) else bytes(text)
                value = self.decoder.decode(data, charset or None)
            if value:
                return decode_words(str(value), self.decoder)
        return ""

    def _lost_boundary(self, part: Message, depth: int) -> None:
        """A multipart whose boundary is missing or not in its body: guess it, else read the body as text."""
        body = _payload_bytes(part)
        boundary = repair.guess_boundary(body)
        if boundary is not None:
            ctype = part.get_content_type().encode("ascii", "replace")
            head = b'Content-Type: %s; boundary="%s"\r\n\r\n' % (ctype, boundary)
            rebuilt = mime.message_from_bytes(head + body)
            if rebuilt.is_multipart():
                self.defects.append("boundary-guessed")
                self.visit(rebuilt, depth=depth + 1)
                return
        self.defects.append("multipart-read-as-text")
        self.plain.append(self.decoder.decode(body, _charset(part)))

    def _forwarded(self, part: Message, *, depth: int, in_report: bool) -> None:
        payload = part.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload else None
        if not isinstance(inner, Message):
            data = _payload_bytes(part)
            if not data.strip():
                return
            inner = mime.message_from_bytes(data)  # message/global, or a part the parser left as text
            if not inner.keys():
                self.attachments.append(ParsedAttachment("message-transfere.eml", "message/rfc822", data))
                return
        if in_report and self.report_original is None:
            self.report_original = inner
        subject = header_text(inner, "Subject", self.decoder)
        sub = _Collector(self.decoder, self.depth + depth + 1)
        sub.visit(inner)
        body = "\n".join(sub.plain) or html_to_text("\n".join(sub.html))
        # Stored in the request's text, so written in the portal's language (intake runs in it).
        heading = gettext(
            "---------- Forwarded message ----------\nFrom: %(sender)s\nDate: %(date)s\nSubject: %(subject)s"
        ) % {
            "sender": header_text(inner, "From", self.decoder),
            "date": header_text(inner, "Date", self.decoder),
            "subject": subject,
        }
        self.forwarded.append(f"{heading}\n\n{body}")
        self.attachments.extend(sub.attachments)
        self.defects.extend(sub.defects)
        name = (re.sub(r"[^\w\- .]", "_", subject)[:80].strip() or "message-transfere") + ".eml"
        try:
            data = inner.as_bytes()
        except Exception:  # a tree the email package cannot write back: its bytes as they came
            data = _payload_bytes(part)
        self.attachments.append(ParsedAttachment(name, "message/rfc822", data))


def _read(raw: bytes) -> tuple[Message, list[str]]:
    """The parsed message, repaired first when its header block is broken; NotAMail when it has none."""
    msg = mime.message_from_bytes(raw)
    notes: list[str] = []
    if not msg.keys() or any(isinstance(d, _REPAIRED_DEFECTS) for d in msg.defects):
        repaired = repair.repair_head(raw)
        if repaired is not None:
            candidate = mime.message_from_bytes(repaired[0])
            if len(candidate.keys()) >= len(msg.keys()):
                msg, notes = candidate, repaired[1]
    if not msg.keys():
        raise NotAMail("no header: the bytes do not begin with mail headers")
    return msg, notes


class _Headers:
    """The raw header fields of one mail, read once: first value by name, and every value when needed."""

    def __init__(self, msg: Message):
        self.items = [(name, _raw_value(value)) for name, value in msg.raw_items()]
        self.by_name: dict[str, list[str]] = {}
        for name, value in self.items:
            self.by_name.setdefault(name.lower(), []).append(value)
        self.first = {name: values[0] for name, values in self.by_name.items()}

    def all(self, name: str) -> list[str]:
        return self.by_name.get(name.lower(), [])

    def eight_bit(self) -> bytes:
        """The raw 8-bit header bytes, context for detecting the charset of a short undeclared value."""
        return b"\n".join(
            value.encode("utf-8", "surrogateescape") for _name, value in self.items if not value.isascii()
        )


def _declared_charsets(msg: Message, headers: _Headers):
    for part in msg.walk():
        charset = _charset(part)
        if charset:
            yield charset
    for _name, value in headers.items:
        for word in ENCODED_WORD.finditer(value):
            yield word.group(1)


def _display_name(box: Mailbox | None, decoder: Decoder) -> str:
    """The decoded display name, dropped when it shows an address other than the sender's own."""
    if box is None or not box.display:
        return ""
    name = decode_words(box.display[:1000], decoder).strip().strip('"').strip()[:200]
    for shown in _EMAIL_LIKE_RE.findall(name):
        if shown.strip("<>()[]'\",;:.").lower() != box.address:
            return ""
    return name


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        text = value.encode("utf-8", "surrogateescape").decode("ascii", "replace")
        date = email.utils.parsedate_to_datetime(_unfold(text))
    except Exception:
        return None
    return date if date is not None and date.tzinfo is not None else None


def _storable(value: str) -> str:
    """Text a database column takes: no NUL, no lone surrogate (UTF-7 and raw bytes can make them)."""
    if value.isascii():
        return value.replace("\x00", "")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = _SURROGATE_RE.sub("\ufffd", value)
    return value.replace("\x00", "")


def _storable_mail(parsed: ParsedMail) -> ParsedMail:
    for name in ("message_id", "subject", "from_name", "text", "html", "headers"):
        setattr(parsed, name, _storable(getattr(parsed, name)))
    parsed.in_reply_to = [_storable(mid) for mid in parsed.in_reply_to]
    parsed.references = [_storable(mid) for mid in parsed.references]
    for attachment in parsed.attachments:
        attachment.filename = _storable(attachment.filename)
    if parsed.bounce is not None:
        parsed.bounce.original_subject = _storable(parsed.bounce.original_subject)
    return parsed


def _text_of(collector: _Collector, bounce: BounceReport | None) -> tuple[str, str]:
    html_source = "\n".join(collector.html).replace("\x00", "")
    text = "\n".join(collector.plain) if collector.plain else html_to_text(html_source) if html_source else ""
    sections = [text]
    if bounce is not None:
        sections.append(bounce.as_text())
    sections.extend(collector.forwarded)
    if len(sections) > 1:
        text = "\n\n".join(section for section in sections if section).strip()
    return text.replace("\r\n", "\n").replace("\x00", ""), html_source


def parse_message(raw: bytes, *, loop_header: str = "X-Relais-DSI-Loop") -> ParsedMail:
    """Parse raw mail bytes. Raises NotAMail (a ValueError) when the bytes are not a mail at all, and
    nothing else: a mail whose structure cannot be read keeps its headers, its body as text and
    itself whole as an .eml attachment."""
    if not raw.strip():
        raise NotAMail("empty: no bytes but white space")
    try:
        msg, notes = _read(raw)
    except NotAMail:
        raise
    except Exception as exc:  # the email package giving up (e.g. nesting past the recursion limit)
        return _degraded(raw, exc, loop_header)
    try:
        return _storable_mail(_parse(msg, notes, loop_header))
    except Exception as exc:
        return _degraded(raw, exc, loop_header)


def _parse(msg: Message, notes: list[str], loop_header: str) -> ParsedMail:
    headers = _Headers(msg)
    decoder = Decoder(hints=lambda: _declared_charsets(msg, headers), context=headers.eight_bit)
    collector = _Collector(decoder)
    collector.visit(msg)
    bounce = None
    if collector.report_fields is not None:
        original = collector.report_original
        original_id = header_message_id(original) if original is not None else ""
        original_subject = header_text(original, "Subject", decoder)[:255] if original is not None else ""
        bounce = build_report(
            collector.report_fields, original_message_id=original_id, original_subject=original_subject
        )
    text, html_source = _text_of(collector, bounce)
    parsed = _header_fields(msg, headers, decoder, loop_header)
    parsed.text = text
    parsed.html = safe_html(html_source) if html_source else ""
    parsed.attachments = collector.attachments
    parsed.bounce = bounce
    parsed.defects = list(dict.fromkeys([*notes, *collector.defects]))
    parsed.content_digest = content_digest(msg, collector.payload, read_fields)
    if bounce is not None:
        parsed.noise_reason = parsed.noise_reason or "bounce"
    return parsed


def _header_fields(msg: Message, headers: _Headers, decoder: Decoder, loop_header: str) -> ParsedMail:
    first = headers.first
    from_boxes = [box for value in headers.all("From") for box in mailboxes(value)]
    sender, problem = choose_sender(from_boxes, first.get("sender"))
    from_email = sender.address if sender is not None else ""
    subject = decode_words(first.get("subject", ""), decoder)
    decoded = {}
    for name, value in headers.items:
        decoded.setdefault(name.lower(), f"{name}: {decode_words(value, decoder)}")
    message_id = MESSAGE_ID_RE.search(decoded.get("message-id", ""))
    return ParsedMail(
        message_id=message_id.group(0)[:255] if message_id else "",
        subject=subject[:255],
        from_email=from_email,
        from_name=_display_name(sender, decoder),
        date=_date(first.get("date")),
        in_reply_to=MESSAGE_ID_RE.findall(decoded.get("in-reply-to", "")),
        references=MESSAGE_ID_RE.findall(decoded.get("references", "")),
        text="",
        html="",
        headers="\n".join(decoded.values()),
        noise_reason=noise_reason(msg, first, from_email, subject, loop_header),
        from_addresses=list(dict.fromkeys(box.address for box in from_boxes if box.address)),
        to_addresses=[a for value in headers.all("To") for a in _addresses(value)],
        cc_addresses=[a for value in headers.all("Cc") for a in _addresses(value)],
        sender_problem=problem,
        auth_results=parse_fields([_unfold(v) for v in headers.all("Authentication-Results")]),
    )


def _addresses(value: str) -> list[str]:
    return [box.address for box in mailboxes(value) if box.address]


def _degraded(raw: bytes, exc: Exception, loop_header: str) -> ParsedMail:
    """Headers read alone, the body kept as text, the whole mail attached: for a structure past reading."""
    try:
        head, _separator, body = repair.split_head(raw)
        msg = BytesHeaderParser().parsebytes(head + b"\n\n")
        if not msg.keys():
            raise NotAMail("no header: the bytes do not begin with mail headers")
        headers = _Headers(msg)
        decoder = Decoder(context=headers.eight_bit)
        parsed = _header_fields(msg, headers, decoder, loop_header)
        parsed.text = decoder.decode(body, _charset(msg)).replace("\r\n", "\n").replace("\x00", "")
        parsed.attachments = [ParsedAttachment("message-original.eml", "message/rfc822", raw)]
        parsed.defects = [f"structure-unreadable: {type(exc).__name__}"]
        parsed.content_digest = body_digest(msg.get("Date"), body)
        return _storable_mail(parsed)
    except NotAMail:
        raise
    except Exception as second:
        raise NotAMail(f"unreadable: {type(exc).__name__}, then {type(second).__name__}") from exc


def peek_headers(raw: bytes) -> tuple[str, str, str]:
    """(Message-ID, sender address, subject) of mail bytes without parsing the body: for oversize mail."""
    return peek(raw)[:3]


def peek(raw: bytes) -> tuple[str, str, str, str]:
    """peek_headers and the content digest of the body bytes as they are (identity.body_digest)."""
    try:
        head, _separator, body = repair.split_head(raw)
        msg = BytesHeaderParser().parsebytes(head + b"\n\n")
        headers = _Headers(msg)
        decoder = Decoder(context=headers.eight_bit)
        sender, _problem = choose_sender(
            [box for value in headers.all("From") for box in mailboxes(value)], headers.first.get("sender")
        )
        message_id = MESSAGE_ID_RE.search(decode_words(headers.first.get("message-id", ""), decoder))
        return (
            message_id.group(0)[:255] if message_id else "",
            sender.address[:255] if sender is not None else "",
            decode_words(headers.first.get("subject", ""), decoder)[:255],
            body_digest(msg.get("Date"), body),
        )
    except Exception:
        return "", "", "", ""
