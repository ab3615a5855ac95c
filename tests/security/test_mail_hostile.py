"""Property-based: whatever bytes arrive in the mailbox, intake never crashes and never loses a mail.

Each mail ends as exactly one of: a new request or a reply on one (its text kept), a quarantined
or ignored item holding the raw bytes whole, or a duplicate of a mail already kept.
"""

import contextlib
import re
from email.message import EmailMessage

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from requests_box.intake.intake import OUTCOMES, Intake
from requests_box.intake.parse import NotAMail, ParsedMail, parse_message
from requests_box.models import IgnoredMessage, MailReceipt, QuarantinedMessage, Request

pytestmark = pytest.mark.django_db

HYPOTHESIS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)


def check_kept(raw: bytes, result) -> None:
    assert result.outcome in OUTCOMES, result
    if result.outcome in ("created", "reply"):
        request = Request.objects.get(reference=result.detail)
        assert request.messages.exists()
        assert MailReceipt.objects.filter(request=request).exists()
    elif result.outcome == "quarantined":
        item = QuarantinedMessage.objects.order_by("-pk").first()
        with item.raw.open("rb") as handle:
            assert handle.read() == raw, "quarantine must keep the raw bytes whole"
    elif result.outcome == "ignored":
        item = IgnoredMessage.objects.order_by("-pk").first()
        with item.raw.open("rb") as handle:
            assert handle.read() == raw
    else:  # duplicate: the first copy was kept
        assert MailReceipt.objects.exists()


@HYPOTHESIS
@given(raw=st.binary(max_size=4000))
def test_random_bytes(raw, db):
    result = Intake(acknowledge=False).ingest(raw, source="fuzz.eml")
    check_kept(raw, result)


# Encoded words, raw 8-bit bytes and punctuation in display names: what the sender rules read.
FROM_VALUES = st.sampled_from(
    [
        "alice@groupe-aurelia.fr",
        "x@prestataire.fr",
        "not an address",
        "=?utf-8?Q?alice=40groupe-aurelia.fr_?= <attacker@evil.example>",
        "=?iso-8859-1?Q?Lef=E8vre=2C_Nadia?= <nadia@groupe-aurelia.fr>",
        '"=?utf-8?B?TcO8bGxlciwgQmVybmQ=?=" <bernd@groupe-aurelia.fr>',
        "alice@groupe-aurelia.fr <attacker@evil.example>",
        "A <a@x.fr> <b@y.fr>",
        "a@x.fr, b@y.fr",
        "Team: a@x.fr, (c) b@y.fr;",
        '"unterminated <a@x.fr>',
        "=?unicode-1-1-utf-7?Q?+AOk-?= <utf7@x.fr>",
        "=?gb2312?B?wO7OsA==?= <li@x.cn>",
        "=?x-klingon?Q?=FF?= <k@x.fr>",
    ]
)
CHARSET_LABELS = st.sampled_from(
    [
        "gb2312",
        "iso-2022-jp",
        "utf-7",
        "unicode-1-1-utf-7",
        "x-klingon",
        "base64",
        "unicode_escape",
        "us-ascii",
    ]
    + ["iso-8859-1", "ks_c_5601-1987", "shift_jis", "big5", "utf-16", "hz-gb-2312", '"', ""]
)

HEADER_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80
)  # anything, NUL, controls, RTL and emoji included


def header_lines():
    names = st.sampled_from(
        ["From", "Subject", "Date", "Message-ID", "In-Reply-To", "References", "Content-Type", "X-Junk"]
    )
    return st.lists(st.tuples(names, HEADER_TEXT), max_size=8)


@st.composite
def mime_tree(draw, depth=0):
    """A random MIME part: text in any charset, HTML, binary attachments, nested multiparts."""
    kind = draw(
        st.sampled_from(["text", "html", "attachment", "multipart"] if depth < 3 else ["text", "html"])
    )
    part = EmailMessage()
    if kind == "multipart":
        subtype = draw(st.sampled_from(["mixed", "alternative", "related"]))
        part.set_type(f"multipart/{subtype}")
        # A drawn boundary: the email package would pick a random one otherwise.
        part.set_boundary(f"=={depth}-{draw(st.integers(0, 10**9))}==")
        for child in draw(st.lists(mime_tree(depth=depth + 1), min_size=0, max_size=3)):
            part.attach(child)
        return part
    if kind == "attachment":
        data = draw(st.binary(max_size=300))
        name = draw(HEADER_TEXT)
        ctype = draw(
            st.sampled_from(["application/pdf", "text/html", "image/svg+xml", "application/x-msdownload"])
        )
        maintype, subtype = ctype.split("/")
        try:
            part.set_content(data, maintype=maintype, subtype=subtype, filename=name or None)
        except Exception:  # a name the email package refuses to write (CR/LF...): a nameless part
            part = EmailMessage()
            part.set_content(data, maintype=maintype, subtype=subtype)
        return part
    text = draw(st.text(max_size=300))
    charset = draw(st.sampled_from(["utf-8", "iso-8859-1", "windows-1252", "utf-16"]))
    try:
        part.set_content(text, subtype="html" if kind == "html" else "plain", charset=charset)
    except (UnicodeEncodeError, LookupError):
        part.set_content(text, subtype="html" if kind == "html" else "plain")
    return part


@st.composite
def mails(draw):
    root = draw(mime_tree())
    for name, value in draw(header_lines()):
        # The email package refuses to write some values; the raw mangling below covers the rest.
        with contextlib.suppress(Exception):
            root[name] = value
    if draw(st.booleans()) and "From" not in root:
        root["From"] = draw(FROM_VALUES)
    try:
        raw = root.as_bytes()
    except Exception:  # the email package refuses to serialise some trees: send what a bad client would
        raw = str(root).encode("utf-8", "surrogateescape")
    mangle = draw(
        st.sampled_from(
            ["none", "truncate", "crlf", "nul", "junk", "unfold", "no-boundary", "relabel", "8bit"]
        )
    )
    if mangle == "truncate" and raw:
        raw = raw[: draw(st.integers(0, len(raw)))]
    elif mangle == "crlf":
        raw = raw.replace(b"\n", b"\r\n")
    elif mangle == "nul":
        raw = raw.replace(b"\n\n", b"\n\x00\n", 1)
    elif mangle == "junk":  # a line before the headers
        raw = draw(st.binary(max_size=40)).replace(b"\n", b"") + b"\n" + raw
    elif mangle == "unfold":  # continuation lines lose their indentation
        head, separator, body = raw.partition(b"\n\n")
        raw = head.replace(b"\n ", b"\n").replace(b"\n\t", b"\n") + separator + body
    elif mangle == "no-boundary":
        raw = re.sub(rb'boundary="[^"]*"', b"", raw)
    elif mangle == "relabel":
        raw = re.sub(rb"charset=\"?[\w-]+\"?", b"charset=" + draw(CHARSET_LABELS).encode(), raw)
    elif mangle == "8bit":  # raw bytes of any charset in the headers
        raw = raw.replace(b"Subject: ", b"Subject: " + draw(st.binary(min_size=1, max_size=30)), 1)
    return raw


@HYPOTHESIS
@given(raw=mails())
def test_random_mime_trees(raw, db, user_a):
    result = Intake(acknowledge=False).ingest(raw, source="fuzz.eml")
    check_kept(raw, result)


@HYPOTHESIS
@given(batch=st.lists(mails(), min_size=1, max_size=6))
def test_batches_keep_every_mail(batch, db, user_a):
    before = MailReceipt.objects.count() + QuarantinedMessage.objects.count()
    pairs = [(f"m{i}.eml", raw) for i, raw in enumerate(batch)]
    results = [result for _source, result in Intake(acknowledge=False).ingest_many(pairs)]
    assert len(results) == len(batch)
    kept = [r for r in results if r.outcome != "duplicate"]
    after = MailReceipt.objects.count() + QuarantinedMessage.objects.count()
    # Every kept mail left a receipt (or a quarantined item when even its key could not be taken).
    assert after - before >= len(kept)


def check_parsed(raw: bytes) -> None:
    """The parser's promise: a ParsedMail every column can store, or NotAMail with a reason."""
    try:
        parsed = parse_message(raw)
    except NotAMail as exc:
        assert exc.reason
        return
    assert isinstance(parsed, ParsedMail)
    texts = [parsed.subject, parsed.from_email, parsed.from_name, parsed.text, parsed.html, parsed.headers]
    texts += [
        parsed.message_id,
        *parsed.in_reply_to,
        *parsed.references,
        *(a.filename for a in parsed.attachments),
    ]
    for text in texts:
        assert "\x00" not in text
        text.encode("utf-8")  # no lone surrogate either: PostgreSQL and SQLite take it
    assert parsed.from_email in [*parsed.from_addresses, ""]


@settings(max_examples=300, deadline=None, database=None)
@given(raw=st.binary(max_size=4000))
def test_parser_raises_nothing_but_not_a_mail_on_random_bytes(raw):
    check_parsed(raw)


@settings(max_examples=300, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=mails())
def test_parser_raises_nothing_but_not_a_mail_on_mangled_mime(raw):
    check_parsed(raw)


@st.composite
def delivery_reports(draw):
    """A multipart/report whose delivery-status fields are drawn at random."""
    fields = draw(
        st.lists(
            st.tuples(
                st.sampled_from(
                    [
                        "Final-Recipient",
                        "Action",
                        "Status",
                        "Diagnostic-Code",
                        "Reporting-MTA",
                        "Original-Recipient",
                        "X-J",
                    ]
                ),
                HEADER_TEXT,
            ),
            max_size=8,
        )
    )
    blocks = draw(st.sampled_from([b"\n", b"\n\n"])).join(
        f"{name}: {value}".encode("utf-8", "surrogateescape") for name, value in fields
    )
    ctype = draw(st.sampled_from([b"message/delivery-status", b"message/global-delivery-status"]))
    encoding = draw(
        st.sampled_from(
            [b"", b"Content-Transfer-Encoding: base64\n", b"Content-Transfer-Encoding: quoted-printable\n"]
        )
    )
    return (
        b"From: MAILER-DAEMON@mx.example\nSubject: bounce\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="r"\n\n'
        b"--r\nContent-Type: text/plain\n\nnotice\n--r\nContent-Type: "
        + ctype
        + b"\n"
        + encoding
        + b"\n"
        + blocks
        + b"\n--r\nContent-Type: text/rfc822-headers\n\n"
        + draw(st.binary(max_size=200))
        + b"\n--r--\n"
    )


@settings(max_examples=150, deadline=None, database=None)
@given(raw=delivery_reports())
def test_parser_reads_any_delivery_report_without_raising(raw):
    check_parsed(raw)
    assert parse_message(raw).noise_reason == "bounce"
