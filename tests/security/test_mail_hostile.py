"""Property-based: whatever bytes arrive in the mailbox, intake never crashes and never loses a mail.

Each mail ends as exactly one of: a new request or a reply on one (its text kept), a quarantined
or ignored item holding the raw bytes whole, or a duplicate of a mail already kept.
"""

import contextlib
from email.message import EmailMessage

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from requests_box.intake.intake import OUTCOMES, Intake
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
        root["From"] = draw(
            st.sampled_from(["alice@groupe-aurelia.fr", "x@prestataire.fr", "not an address"])
        )
    try:
        raw = root.as_bytes()
    except Exception:  # the email package refuses to serialise some trees: send what a bad client would
        raw = str(root).encode("utf-8", "surrogateescape")
    mangle = draw(st.sampled_from(["none", "truncate", "crlf", "nul"]))
    if mangle == "truncate" and raw:
        raw = raw[: draw(st.integers(0, len(raw)))]
    elif mangle == "crlf":
        raw = raw.replace(b"\n", b"\r\n")
    elif mangle == "nul":
        raw = raw.replace(b"\n\n", b"\n\x00\n", 1)
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
