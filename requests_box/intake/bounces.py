"""Delivery reports (RFC 3464, RFC 6533): who could not be reached, why, and which mail bounced."""

import quopri
import re
from dataclasses import dataclass, field
from email.message import Message

from requests_box.intake.repair import lenient_base64

DELIVERY_STATUS_TYPES = ("message/delivery-status", "message/global-delivery-status")
ORIGINAL_HEADERS_TYPES = ("text/rfc822-headers", "message/global-headers")
_STATUS_RE = re.compile(r"[245]\.\d{1,3}\.\d{1,3}")


@dataclass
class BounceRecipient:
    address: str  # Final-Recipient (else Original-Recipient), lowercased
    action: str  # failed, delayed, delivered, relayed or expanded
    status: str  # the enhanced status code, e.g. 5.1.1
    diagnostic: str  # Diagnostic-Code without its type, e.g. "550 5.1.1 <x@y>: User unknown"
    remote_mta: str = ""
    original_recipient: str = ""


@dataclass
class BounceReport:
    reporting_mta: str
    recipients: list[BounceRecipient] = field(default_factory=list)
    original_message_id: str = ""  # of the mail that bounced, when the report carries its headers
    original_subject: str = ""
    fields: list[list[tuple[str, str]]] = field(default_factory=list)  # the report's blocks, as read

    @property
    def failed(self) -> list[BounceRecipient]:
        return [r for r in self.recipients if r.action == "failed"]

    def as_text(self) -> str:
        """The report as it came, one field a line, for the text a human reads."""
        blocks = ["\n".join(f"{name}: {value}" for name, value in block) for block in self.fields]
        return "---------- message/delivery-status ----------\n" + "\n\n".join(blocks)


def _unfold(value: str) -> str:
    return " ".join(value.replace("\x00", "").split())


def _typed(value: str) -> str:
    """`rfc822; a@b` → `a@b`; `smtp; 550 …` → `550 …` (the type before the first ';' dropped)."""
    return value.split(";", 1)[1].strip() if ";" in value else value.strip()


def _fields_from_text(text: str) -> list[list[tuple[str, str]]]:
    blocks, block = [], []
    for line in text.replace("\r\n", "\n").split("\n"):
        if not line.strip():
            if block:
                blocks.append(block)
                block = []
        elif line[0] in " \t" and block:
            block[-1] = (block[-1][0], f"{block[-1][1]} {line.strip()}")
        elif ":" in line:
            name, value = line.split(":", 1)
            block.append((name.strip(), value.strip()))
    if block:
        blocks.append(block)
    return blocks


def _text(value) -> str:
    value = str(value)
    return _unfold(value.encode("utf-8", "surrogateescape").decode("utf-8", "replace"))


def _as_bytes(blocks: list) -> bytes:
    """Blocks the email package parsed as messages, back to their bytes (raw 8-bit bytes kept)."""
    chunks = []
    for block in blocks:
        if not isinstance(block, Message):
            continue
        head = "\n".join(f"{name}: {value}" for name, value in block.raw_items())
        body = _as_bytes(block.get_payload()) if block.is_multipart() else block.get_payload(decode=True)
        head_bytes = head.encode("utf-8", "surrogateescape")
        chunks.append(head_bytes + b"\n\n" + (body or b"") if head else body or b"")
    return b"\n\n".join(chunks)


def read_fields(part: Message) -> list[list[tuple[str, str]]]:
    """The blocks of a delivery-status part: as the email package parsed them, or from its decoded text
    (RFC 6533's global form, or a part sent in base64 or quoted-printable)."""
    payload = part.get_payload()
    encoding = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
    plain = part.get_content_type() == "message/delivery-status" and encoding not in (
        "base64",
        "quoted-printable",
    )
    if plain and isinstance(payload, list) and all(isinstance(block, Message) for block in payload):
        blocks = [[(name, _text(value)) for name, value in block.raw_items()] for block in payload]
    else:
        if isinstance(payload, list):  # parsed as a message: its bytes again, then the transfer encoding
            data = _as_bytes(payload)
            data = lenient_base64(data) if encoding == "base64" else data
            data = quopri.decodestring(data) if encoding == "quoted-printable" else data
        else:
            data = part.get_payload(decode=True) or b""
        blocks = _fields_from_text(data.decode("utf-8", "replace"))
    return [[(name, _unfold(value)) for name, value in block] for block in blocks if block]


def build_report(
    fields: list[list[tuple[str, str]]], *, original_message_id: str = "", original_subject: str = ""
) -> BounceReport:
    per_message = {name.lower(): value for name, value in fields[0]} if fields else {}
    report = BounceReport(
        reporting_mta=_typed(per_message.get("reporting-mta", "")),
        original_message_id=original_message_id,
        original_subject=original_subject,
        fields=fields,
    )
    for block in fields[1:]:
        values = {name.lower(): value for name, value in block}
        final = _typed(values.get("final-recipient", "")).strip("<>").lower()
        original_recipient = _typed(values.get("original-recipient", "")).strip("<>").lower()
        if not final and not original_recipient:
            continue
        status = _STATUS_RE.search(values.get("status", ""))
        report.recipients.append(
            BounceRecipient(
                address=final or original_recipient,
                action=values.get("action", "").strip().lower(),
                status=status.group(0) if status else values.get("status", "").strip(),
                diagnostic=_typed(values.get("diagnostic-code", "")),
                remote_mta=_typed(values.get("remote-mta", "")),
                original_recipient=original_recipient,
            )
        )
    return report
