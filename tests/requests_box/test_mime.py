"""The fast MIME reader builds the stdlib's own tree, or hands the mail to the stdlib parser.

Every mail below, and hundreds of mutated copies of each (lines dropped, doubled, cut, re-ended, stray
delimiters and header lines), is read both ways and the two trees compared node by node: headers as
stored, payload strings, preambles, epilogues, defects and default types.
"""

import email
import random
from email.message import EmailMessage

import pytest

from requests_box.intake import mime
from tests.requests_box.mails import build_mail
from tests.requests_box.realworld import builders as rw

pytestmark = pytest.mark.django_db(databases=[])


def signature(msg):
    payload = msg._payload
    if isinstance(payload, list):
        payload = tuple(signature(part) for part in payload)
    return (
        tuple(msg._headers),
        msg._unixfrom,
        payload,
        msg.preamble,
        msg.epilogue,
        tuple((type(defect).__name__, str(defect)) for defect in msg.defects),
        msg.get_default_type(),
    )


def _forwarded() -> bytes:
    outer = EmailMessage()
    outer["From"] = "alice@groupe-aurelia.fr"
    outer["Subject"] = "TR: facture"
    outer.set_content("Voir ci-dessous.")
    inner = email.message_from_bytes(
        build_mail(
            subject="Facture", html="<p>Facture</p>", attachments=[("f.pdf", "application/pdf", b"%PDF")]
        )
    )
    outer.add_attachment(inner)
    return outer.as_bytes()


def _digest() -> bytes:
    return (
        b"From: liste@example.org\nSubject: digest\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/digest; boundary="d"\n\npreamble\n--d\n\nFrom: a@x\nSubject: un\n\nun\n'
        b"--d\nContent-Type: text/plain\n\ndeux\n--d--\nepilogue\n"
    )


def _bounce() -> bytes:
    return rw.postfix_bounce(
        recipient="x@groupe-aurelia.fr",
        diagnostic="550 5.1.1 unknown",
        status="5.1.1",
        original_id="<o@x>",
        original_subject="Objet",
    )


def _nested(line_end: bytes) -> bytes:
    text = (
        b"From: a@x\nSubject: nested\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/mixed; boundary="outer"\n\n'
        b"This is a multi-part message in MIME format.\n\n--outer\n"
        b'Content-Type: multipart/alternative; boundary="inner"\n\n--inner\n'
        b"Content-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
        b"texte \xc3\xa9t\xc3\xa9\n\n"
        b"--inner  \nContent-Type: text/html\n\n<p>html</p>\n--inner--\n\n--outer\n"
        b"Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\nAAEC\nAwQF\n"
        b"--outer--"
    )
    return text.replace(b"\n", line_end)


def corpus() -> list[bytes]:
    mails = [
        build_mail(),
        build_mail(html="<p>Bonjour</p>", attachments=[("a.pdf", "application/pdf", bytes(range(256)) * 40)]),
        build_mail(body="Ligne\n\n\n", headers={"X-Long": "a " * 200}),
        rw.outlook_mail(from_value='"Martin, Paul" <paul.martin@groupe-aurelia.fr>'),
        rw.simple_mail(),
        rw.pop3_capture(rw.simple_mail()),
        rw.legacy_script_alert(),
        rw.cron_mail_without_separator(),
        rw.php_mail_without_boundary(),
        rw.php_mail_without_boundary(with_delimiters=False),
        rw.mismatched_boundary_mail(),
        rw.truncated_base64_attachment(b"0123456789" * 30),
        rw.nested_bomb(12),
        rw.foxmail_gb2312("Demande", "Bonjour"),
        rw.labelled_text_mail("iso-8859-1", "Réseau".encode("latin-1")),
        rw.japanese_outlook("会議", "本文"),
        rw.outlook_express_utf7("Accès", "Corps"),
        rw.raw_8bit_mail(subject="Café".encode("latin-1"), body="Déjà".encode("latin-1")),
        _bounce(),
        rw.exchange_online_ndr(
            recipient="x@groupe-aurelia.fr", original_id="<o@x>", original_subject="Objet"
        ),
        rw.gmail_bounce(recipients=[("x@g.fr", "failed", "5.1.1", "smtp; 550")], original_id="<o@x>"),
        rw.global_dsn(recipient="x@groupe-aurelia.fr"),
        rw.qmail_bounce("x@groupe-aurelia.fr"),
        _forwarded(),
        _digest(),
        _nested(b"\n"),
        _nested(b"\r\n"),
        _nested(b"\r"),
        b"",
        b"\n\n",
        b"Subject: no body",
        b"Subject: x\n\n--b\n",
        b'Content-Type: multipart/mixed; boundary="b"\n\n--b--\n',
        b'Content-Type: multipart/mixed; boundary="b"\n\n--b\n\n--b\n\nx\n--b--',
        b'Content-Type: multipart/mixed; boundary="b"\n\n--b\n\nx\n--b--\n--b\nafter\n',
        b'Content-Type: multipart/mixed; boundary="b"\n\n--b\n\nx\n--bb\n--b\t--  \n',
        b'Content-Type: multipart/mixed; boundary="b"\nContent-Transfer-Encoding: base64\n\n'
        b"--b\n\nx\n--b--\n",
        b'Content-Type: multipart/mixed; boundary="ab"\n\n'
        b'--ab\nContent-Type: multipart/mixed; boundary="a"\n\n'
        b"--a\n\nx\n--a--\n--ab--\n",
        b'Content-Type: message/rfc822\n\nSubject: inner\nContent-Type: multipart/mixed; boundary="q"\n\n'
        b"--q\n\nx\n--q--\n",
    ]
    return [mail for mail in mails if mail is not None]


def mutations(raw: bytes, rng: random.Random, count: int):
    yield raw
    yield raw.replace(b"\r\n", b"\n")
    yield raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    yield raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r")
    lines = raw.splitlines(keepends=True)
    delimiters = [line for line in lines if line.startswith(b"--")] or [b"--x\n"]
    strays = [
        b"From x\n",
        b": x\n",
        b"X: y\r\n",
        b"\r",
        b"\n",
        b" suite\n",
        b"Content-Type: message/rfc822\n",
    ]
    for _ in range(count if lines else 0):
        mutated = list(lines)
        at = rng.randrange(len(mutated))
        operation = rng.randrange(9)
        if operation == 0:
            del mutated[at]
        elif operation == 1:
            mutated.insert(at, rng.choice(mutated))
        elif operation == 2:
            mutated = mutated[:at]
        elif operation == 3:
            mutated[at] = mutated[at].rstrip(b"\r\n")
        elif operation == 4:
            mutated.insert(at, rng.choice(delimiters))
        elif operation == 5:
            tail = rng.choice([b"--\n", b"--", b" \r\n", b"x\n", b"\r", b"--  \n"])
            mutated.insert(at, rng.choice(delimiters).rstrip(b"\r\n") + tail)
        elif operation == 6:
            mutated.insert(at, rng.choice(strays))
        elif operation == 7:
            mutated[at] = b" " + mutated[at]
        else:
            mutated[at] = mutated[at].replace(b"\n", b"\r")
        yield b"".join(mutated)


def test_the_same_tree_as_the_stdlib_on_every_mail_and_its_mutations():
    rng = random.Random(20261206)
    read_fast = compared = 0
    for raw in corpus():
        for variant in mutations(raw, rng, 120):
            expected = email.message_from_bytes(variant)
            got = mime.message_from_bytes(variant)
            assert signature(got) == signature(expected), variant[:300]
            compared += 1
            read_fast += mime.regular_tree(variant) is not None
    # The fast reading is a common case, not an exception (many mails here are irregular on purpose).
    assert compared > 4000
    assert read_fast > compared / 3


@pytest.mark.parametrize(
    "raw",
    [
        build_mail(html="<p>Bonjour</p>", attachments=[("a.pdf", "application/pdf", b"%PDF-1.4" * 500)]),
        rw.outlook_mail(from_value="paul.martin@groupe-aurelia.fr"),
        _forwarded(),
        _digest(),
        _nested(b"\r\n"),
        _nested(b"\r"),
    ],
)
def test_regular_mail_is_read_without_the_feed_parser(raw):
    tree = mime.regular_tree(raw)
    assert tree is not None
    assert signature(tree) == signature(email.message_from_bytes(raw))


@pytest.mark.parametrize(
    "raw",
    [
        rw.cron_mail_without_separator(),  # no blank line after the headers
        rw.php_mail_without_boundary(),  # multipart without a boundary parameter
        b'Content-Type: multipart/mixed; boundary="b"\n\n--b\n\nnever closed\n',
        b'Content-Type: multipart/mixed; boundary="b"\n\n--b\n--b\n\nx\n--b--\n',  # doubled delimiter
        b"From someone Mon Nov 23 09:12:44 2026\nSubject: mbox line\n\nbody\n",
        b" continuation first\nSubject: x\n\nbody\n",
        _bounce(),  # message/delivery-status blocks
    ],
)
def test_irregular_mail_goes_to_the_stdlib_parser(raw):
    assert mime.regular_tree(raw) is None
    assert signature(mime.message_from_bytes(raw)) == signature(email.message_from_bytes(raw))


@pytest.mark.parametrize(
    "header",
    [
        "text/plain; charset=utf-8",
        "text/plain;charset=UTF-8;format=flowed",
        "text/plain; CHARSET = iso-8859-15 ; delsp=yes",
        "text/plain;\r\n\tcharset=windows-1252",
        "text/plain; charset=",
        "text/plain; charset",
        "charset=utf-8",
        "text/plain;; charset=us-ascii; charset=utf-8",
        "application/pdf; name=facture.pdf",
        'text/plain; charset="utf-8"',  # quoted: the stdlib's own reading
        "application/pdf; name*=utf-8''f%C3%A9.pdf",
        "text/plain; charset=<x>",
    ],
)
def test_a_parameter_reads_as_the_stdlib_reads_it(header):
    from requests_box.intake.parse import _param

    part = email.message_from_string(f"Content-Type: {header}\n\nx")
    for name in ("charset", "name", "format"):
        expected = part.get_param(name)
        if isinstance(expected, tuple):  # RFC 2231: the parser decodes it after
            continue
        assert _param(part, name) == expected
