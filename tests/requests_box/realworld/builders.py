"""Raw mail bytes in the shapes real senders produce, with the defects they really have.

Each builder writes the bytes by hand (no email package on the way out), because the point is to
reproduce what the email package itself would never write: encoded display names holding commas or @,
headers folded without indentation, lost boundaries, raw 8-bit headers, vendor charsets.
"""

import base64
import itertools
import re

_ids = itertools.count(1)
DATE = "Mon, 23 Nov 2026 09:12:44 +0100"


def crlf(text: str) -> bytes:
    """Text with LF line ends as mail bytes with CRLF (UTF-8 where it is not ASCII: an 8bit part)."""
    return text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8")


def b_word(text: str, charset: str = "utf-8") -> str:
    """An RFC 2047 'B' encoded word, as Outlook and Gmail write display names and subjects."""
    return f"=?{charset}?B?{base64.b64encode(text.encode(charset)).decode('ascii')}?="


def q_word(text: str, charset: str = "utf-8") -> str:
    """An RFC 2047 'Q' encoded word, as Thunderbird and most scripts write them."""
    out = []
    for byte in text.encode(charset):
        char = chr(byte)
        if char == " ":
            out.append("_")
        elif char.isascii() and (char.isalnum() or char in "!*+-/"):
            out.append(char)
        else:
            out.append(f"={byte:02X}")
    return f"=?{charset}?Q?{''.join(out)}?="


def b64_lines(data: bytes) -> str:
    encoded = base64.b64encode(data).decode("ascii")
    return "\n".join(encoded[i : i + 76] for i in range(0, len(encoded), 76))


def message_id(domain: str = "client.example") -> str:
    return f"<rw-{next(_ids)}.{id(domain) % 99991}@{domain}>"


# -- senders


def outlook_mail(
    *,
    from_value: str,
    subject: str = "Demande d'accès au dossier partagé",
    body: str = "Bonjour,\n\nPourriez-vous m'ouvrir l'accès au dossier partagé ?\n\nCordialement",
    extra_headers: str = "",
) -> bytes:
    """Outlook / Exchange Online: base64 UTF-8 alternative parts, Thread-Index, encoded subject."""
    boundary = f"_000_PR3P192MB0{next(_ids):04d}EURP192PRODOUTL_"
    html = "<html><body>" + "".join(f"<p>{line}</p>" for line in body.split("\n") if line) + "</body></html>"
    head = (
        f"From: {from_value}\n"
        'To: "Relais DSI" <relais-dsi@groupe-aurelia.fr>\n'
        f"Subject: {b_word(subject)}\n"
        f"Thread-Topic: {b_word(subject)}\n"
        "Thread-Index: AdnS2m7yq4m0bqvYQkKl1rZ3c2aXhw==\n"
        f"Date: {DATE}\n"
        f"Message-ID: {message_id('PR3P192MB0914.EURP192.PROD.OUTLOOK.COM')}\n"
        "Accept-Language: fr-FR, en-US\n"
        "Content-Language: fr-FR\n"
        "X-MS-Has-Attach:\n"
        "X-MS-TNEF-Correlator:\n"
        f"{extra_headers}"
        f'Content-Type: multipart/alternative;\n\tboundary="{boundary}"\n'
        "MIME-Version: 1.0\n\n"
    )
    parts = (
        f'--{boundary}\nContent-Type: text/plain; charset="utf-8"\nContent-Transfer-Encoding: base64\n\n'
        f"{b64_lines(body.encode('utf-8'))}\n\n"
        f'--{boundary}\nContent-Type: text/html; charset="utf-8"\nContent-Transfer-Encoding: base64\n\n'
        f"{b64_lines(html.encode('utf-8'))}\n\n--{boundary}--\n"
    )
    return crlf(head + parts)


def simple_mail(
    *,
    from_value: str = "alice@groupe-aurelia.fr",
    subject: str = "Imprimante du 3e",
    body: str = "L'imprimante du 3e étage ne répond plus.",
    extra_headers: str = "",
) -> bytes:
    """Thunderbird-shaped plain text mail (format=flowed, 8bit UTF-8). The From value is written as
    given, raw UTF-8 included, as a sloppy client or an SMTPUTF8 one would."""
    return (
        crlf(f"Message-ID: {message_id('groupe-aurelia.fr')}\nDate: {DATE}\nMIME-Version: 1.0\n")
        + crlf("User-Agent: Mozilla Thunderbird\nContent-Language: fr\nTo: relais-dsi@groupe-aurelia.fr\n")
        + b"From: "
        + from_value.encode("utf-8")
        + b"\r\n"
        + crlf(extra_headers)
        + crlf(f"Subject: {q_word(subject) if not subject.isascii() else subject}\n")
        + crlf("Content-Type: text/plain; charset=UTF-8; format=flowed\nContent-Transfer-Encoding: 8bit\n\n")
        + body.replace("\n", "\r\n").encode("utf-8")
        + b"\r\n"
    )


# -- defects


def pop3_capture(mail: bytes) -> bytes:
    """A mail saved from a POP3 session with the server's status line still on top."""
    return b"+OK 2451 octets\r\n" + mail


def legacy_script_alert() -> bytes:
    """A monitoring script's mail: its long Subject and To were wrapped without the leading space."""
    return (
        b"Return-Path: <supervision@groupe-aurelia.fr>\n"
        b"Subject: [ALERTE] Echec du traitement de nuit de la paie du 23/11/2026 sur le serveur\n"
        b"PAIE-PRD-02 : code retour 12\n"
        b"To: relais-dsi@groupe-aurelia.fr,\n"
        b"exploitation@groupe-aurelia.fr\n"
        b"From: Supervision <supervision@groupe-aurelia.fr>\n"
        b"Date: Mon, 23 Nov 2026 03:05:00 +0100\n"
        b"Message-ID: <alerte-20261123-0305@supervision.groupe-aurelia.fr>\n"
        b"Content-Type: text/plain; charset=iso-8859-1\n"
        b"\n"
        b"Le traitement PAIE_NUIT s'est arr\xeat\xe9 \xe0 03:04:58 (code retour 12).\n"
        b"Relance manuelle n\xe9cessaire avant 7h.\n"
    )


def cron_mail_without_separator() -> bytes:
    """A cron job's mail: the body starts right after the headers, without the blank line."""
    return (
        b"From: root@srv-batch-01.groupe-aurelia.fr\n"
        b"To: relais-dsi@groupe-aurelia.fr\n"
        b"Subject: Cron <root@srv-batch-01> /opt/scripts/sauvegarde.sh\n"
        b"Date: Mon, 23 Nov 2026 02:00:01 +0100\n"
        b"Sauvegarde incomplete : 3 fichiers en erreur\n"
        b"/data/compta/2026-11.db : permission refusee\n"
    )


def php_mail_without_boundary(*, with_delimiters: bool = True) -> bytes:
    """A PHP form mailer that wrote `multipart/mixed` without its boundary parameter."""
    boundary = "==Multipart_Boundary_x5f1a9c3e2b7d4x"
    head = (
        "From: Intranet RH <rh-noreply@groupe-aurelia.fr>\n"
        "To: relais-dsi@groupe-aurelia.fr\n"
        "Subject: Formulaire d'habilitation - Martin Paul\n"
        f"Date: {DATE}\n"
        f"Message-ID: {message_id('intranet-rh.groupe-aurelia.fr')}\n"
        "MIME-Version: 1.0\n"
        "X-Mailer: PHP/7.4.33\n"
        "Content-Type: multipart/mixed\n\n"
    )
    if not with_delimiters:
        return crlf(head + "Merci de traiter la demande d'habilitation de Paul Martin.\n")
    return crlf(
        head + f"This is a multi-part message in MIME format.\n\n--{boundary}\n"
        'Content-Type: text/plain; charset="utf-8"\nContent-Transfer-Encoding: 7bit\n\n'
        "Merci de traiter la demande d'habilitation de Paul Martin (service Paie).\n\n"
        f'--{boundary}\nContent-Type: application/pdf; name="habilitation.pdf"\n'
        'Content-Disposition: attachment; filename="habilitation.pdf"\nContent-Transfer-Encoding: base64\n\n'
        "JVBERi0xLjQKJcOkw7zDtsOfCg==\n\n"
        f"--{boundary}--\n"
    )


def mismatched_boundary_mail() -> bytes:
    """The boundary parameter says one thing, the body uses another (a gateway rewrote one of them)."""
    return crlf(
        "From: Paul Martin <paul.martin@groupe-aurelia.fr>\nTo: relais-dsi@groupe-aurelia.fr\n"
        f"Subject: Badge perdu\nDate: {DATE}\nMessage-ID: {message_id()}\nMIME-Version: 1.0\n"
        'Content-Type: multipart/alternative; boundary="----=_NextPart_000_0001_01DA1234.AAAA0000"\n\n'
        "------=_NextPart_000_0001_01DA1234.BBBB0000\nContent-Type: text/plain; charset=us-ascii\n\n"
        "J'ai perdu mon badge ce matin.\n"
        "------=_NextPart_000_0001_01DA1234.BBBB0000\nContent-Type: text/html; charset=us-ascii\n\n"
        "<p>J'ai perdu mon badge ce matin.</p>\n"
        "------=_NextPart_000_0001_01DA1234.BBBB0000--\n"
    )


def truncated_base64_attachment(data: bytes) -> bytes:
    """An attachment whose base64 lost its padding and gained a stray character on the way."""
    encoded = base64.b64encode(data).decode("ascii").rstrip("=")
    encoded = encoded[:8] + "!" + encoded[8:]
    return crlf(
        "From: alice@groupe-aurelia.fr\nTo: relais-dsi@groupe-aurelia.fr\nSubject: Capture\n"
        f"Date: {DATE}\nMessage-ID: {message_id()}\nMIME-Version: 1.0\n"
        'Content-Type: multipart/mixed; boundary="b1"\n\n'
        "--b1\nContent-Type: text/plain; charset=utf-8\n\nVoir la capture.\n"
        "--b1\nContent-Type: application/octet-stream\n"
        'Content-Disposition: attachment; filename="journal.bin"\nContent-Transfer-Encoding: base64\n\n'
        f"{encoded}\n--b1--\n"
    )


def nested_bomb(depth: int) -> bytes:
    """Multiparts nested deeper than any client writes, which the stdlib parser cannot walk."""
    head = b"From: fuzz@prestataire.fr\r\nTo: relais-dsi@groupe-aurelia.fr\r\nSubject: profond\r\n"
    head += b"MIME-Version: 1.0\r\n"
    chain = b"".join(
        b'Content-Type: multipart/mixed; boundary="n%d"\r\n\r\n--n%d\r\n' % (level, level)
        for level in range(depth)
    )
    return head + chain + b"Content-Type: text/plain\r\n\r\nau fond\r\n"


# -- charsets


def foxmail_gb2312(subject: str, body: str) -> bytes:
    """Foxmail labels GBK text `gb2312`, in the subject and the body alike (WHATWG: read as GB18030)."""
    encoded = base64.b64encode(subject.encode("gbk")).decode("ascii")
    name = base64.b64encode("李伟".encode("gbk")).decode("ascii")
    return crlf(
        f"From: =?gb2312?B?{name}?= <li.wei@aurelia-cn.example>\n"
        f"To: relais-dsi@groupe-aurelia.fr\nSubject: =?gb2312?B?{encoded}?=\nDate: {DATE}\n"
        f"Message-ID: <202611231612440781234@aurelia-cn.example>\nX-Mailer: Foxmail 7.2.23.121[cn]\n"
        "Mime-Version: 1.0\n"
        'Content-Type: text/plain;\n\tcharset="gb2312"\nContent-Transfer-Encoding: base64\n\n'
    ) + crlf(b64_lines(body.encode("gb18030").replace("€".encode("gb18030"), b"\x80")) + "\n")


def labelled_text_mail(label: str, body: bytes, *, subject_word: str = "") -> bytes:
    """A text/plain part whose charset label is `label` and whose bytes are `body`, 8bit."""
    return (
        crlf(
            f"From: client@filiale.example\nTo: relais-dsi@groupe-aurelia.fr\n"
            f"Subject: {subject_word or 'Essai'}\nDate: {DATE}\nMessage-ID: {message_id()}\n"
            f'MIME-Version: 1.0\nContent-Type: text/plain; charset="{label}"\n'
            "Content-Transfer-Encoding: 8bit\n\n"
        )
        + body
        + b"\r\n"
    )


def windows_iso2022jp(text: str) -> bytes:
    """Text as Japanese Windows clients write ISO-2022-JP (CP50221): NEC and IBM extensions included."""
    out, mode = bytearray(), "ascii"
    for char in text:
        if char.isascii():
            if mode != "ascii":
                out += b"\x1b(B"
                mode = "ascii"
            out += char.encode("ascii")
            continue
        sjis = char.encode("cp932")
        if len(sjis) == 1:  # halfwidth katakana
            if mode != "kana":
                out += b"\x1b(I"
                mode = "kana"
            out.append(sjis[0] - 0x80)
            continue
        if mode != "jis":
            out += b"\x1b$B"
            mode = "jis"
        out += _sjis_to_jis(sjis[0], sjis[1])
    if mode != "ascii":
        out += b"\x1b(B"
    return bytes(out)


def _sjis_to_jis(s1: int, s2: int) -> bytes:
    row = (s1 - (0x70 if s1 < 0xA0 else 0xB0)) * 2
    if s2 < 0x9F:
        return bytes((row - 1, s2 - (0x1F if s2 < 0x7F else 0x20)))
    return bytes((row, s2 - 0x7E))


def japanese_outlook(subject: str, body: str) -> bytes:
    """Outlook on a Japanese Windows: ISO-2022-JP subject (B words) and 7bit body, vendor characters in."""
    word = base64.b64encode(windows_iso2022jp(subject)).decode("ascii")
    return (
        crlf(
            "From: =?iso-2022-jp?B?GyRCOzNFRBsoQg==?= <yamada@aurelia-jp.example>\n"
            f"To: relais-dsi@groupe-aurelia.fr\nSubject: =?iso-2022-jp?B?{word}?=\nDate: {DATE}\n"
            f"Message-ID: {message_id('aurelia-jp.example')}\nMIME-Version: 1.0\n"
            "X-Mailer: Microsoft Outlook 16.0\n"
            'Content-Type: text/plain; charset="iso-2022-jp"\nContent-Transfer-Encoding: 7bit\n\n'
        )
        + windows_iso2022jp(body).replace(b"\n", b"\r\n")
        + b"\r\n"
    )


def outlook_express_utf7(subject: str, body: str, label: str = "unicode-1-1-utf-7") -> bytes:
    """Outlook Express with its 'Unicode (UTF-7)' encoding chosen: UTF-7 words and body."""
    word = subject.encode("utf-7").decode("ascii").replace(" ", "_")
    return crlf(
        f'From: "Dupuis" <dupuis@filiale.example>\nTo: <relais-dsi@groupe-aurelia.fr>\n'
        f"Subject: =?{label}?Q?{word}?=\nDate: {DATE}\nMessage-ID: {message_id()}\n"
        f'MIME-Version: 1.0\nContent-Type: text/plain;\n\tcharset="{label}"\n'
        "Content-Transfer-Encoding: 7bit\nX-Priority: 3\n"
        "X-Mailer: Microsoft Outlook Express 6.00.2900.5931\n\n"
        + body.encode("utf-7").decode("ascii").replace("\n", "\r\n")
        + "\n"
    )


def raw_8bit_mail(
    *, subject: bytes, body: bytes, from_value: bytes = b"alice@groupe-aurelia.fr", charset: str = ""
) -> bytes:
    """A script that writes headers and body as raw bytes, with no charset (or `charset`) declared."""
    content_type = f"Content-Type: text/plain; charset={charset}\r\n".encode() if charset else b""
    return (
        b"From: " + from_value + b"\r\nTo: relais-dsi@groupe-aurelia.fr\r\nSubject: " + subject + b"\r\n"
        b"Date: "
        + DATE.encode()
        + b"\r\nMessage-ID: "
        + message_id().encode()
        + b"\r\n"
        + content_type
        + b"\r\n"
        + body
        + b"\r\n"
    )


# -- delivery reports


def postfix_bounce(
    *, recipient: str, diagnostic: str, status: str, original_id: str, original_subject: str
) -> bytes:
    """Postfix's bounce: notification, delivery-status and the original's headers (text/rfc822-headers)."""
    boundary = "8F1A21C0B2.1795424098/mx1.groupe-aurelia.fr"
    folded = re.sub(r"(.{60,}?) ", r"\1\n    ", diagnostic, count=1)
    return crlf(
        "Return-Path: <>\nFrom: MAILER-DAEMON@mx1.groupe-aurelia.fr (Mail Delivery System)\n"
        "To: relais-dsi@groupe-aurelia.fr\nSubject: Undelivered Mail Returned to Sender\n"
        f"Auto-Submitted: auto-replied\nDate: {DATE}\nMIME-Version: 1.0\n"
        f'Content-Type: multipart/report; report-type=delivery-status;\n\tboundary="{boundary}"\n'
        "Message-Id: <20261123081500.8F1A21C0B2@mx1.groupe-aurelia.fr>\n\n"
        f"This is a MIME-encapsulated message.\n\n--{boundary}\n"
        "Content-Description: Notification\nContent-Type: text/plain; charset=us-ascii\n\n"
        "This is the mail system at host mx1.groupe-aurelia.fr.\n\n"
        "I'm sorry to have to inform you that your message could not\n"
        "be delivered to one or more recipients. It's attached below.\n\n"
        f"--{boundary}\nContent-Description: Delivery report\nContent-Type: message/delivery-status\n\n"
        "Reporting-MTA: dns; mx1.groupe-aurelia.fr\nX-Postfix-Queue-ID: 8F1A21C0B2\n"
        "X-Postfix-Sender: rfc822; relais-dsi@groupe-aurelia.fr\n"
        f"Arrival-Date: {DATE}\n\n"
        f"Final-Recipient: rfc822; {recipient}\nOriginal-Recipient: rfc822;{recipient}\n"
        f"Action: failed\nStatus: {status}\nRemote-MTA: dns; mx.{recipient.split('@')[1]}\n"
        f"Diagnostic-Code: smtp; {folded}\n\n"
        f"--{boundary}\nContent-Description: Undelivered Message Headers\n"
        "Content-Type: text/rfc822-headers\n\n"
        f"From: relais-dsi@groupe-aurelia.fr\nTo: {recipient}\nSubject: {original_subject}\n"
        f"Message-ID: {original_id}\nDate: {DATE}\n\n--{boundary}--\n"
    )


def exchange_online_ndr(*, recipient: str, original_id: str, original_subject: str) -> bytes:
    """Exchange Online's non-delivery report: HTML-rich notification, DSN, the whole original attached."""
    boundary, inner = "_b2a1c3d4-e5f6-7a8b-9c0d-e1f2a3b4c5d6_", "_000_inner_alt_"
    original = (
        f"From: Relais DSI <relais-dsi@groupe-aurelia.fr>\nTo: {recipient}\n"
        f"Subject: {q_word(original_subject)}\nMessage-ID: {original_id}\nDate: {DATE}\n"
        "MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\nVotre demande a été traitée.\n"
    )
    return crlf(
        "From: Microsoft Outlook\n <MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@groupe-aurelia.fr>\n"
        "To: <relais-dsi@groupe-aurelia.fr>\nSubject: =?utf-8?Q?Non_remis=C2=A0:_?="
        + q_word(original_subject)
        + f"\nDate: {DATE}\nContent-Language: fr-FR\nMIME-Version: 1.0\n"
        f"Message-ID: <0ba1c2d3-ndr@DB9PR07MB1234.eurprd07.prod.outlook.com>\n"
        "X-MS-Exchange-Message-Is-Ndr:\n"
        f'Content-Type: multipart/report; report-type=delivery-status;\n\tboundary="{boundary}"\n\n'
        f"--{boundary}\nContent-Type: multipart/alternative; differences=Content-Type;\n"
        f'\tboundary="{inner}"\n\n'
        f'--{inner}\nContent-Type: text/plain; charset="utf-8"\n'
        "Content-Transfer-Encoding: quoted-printable\n\n"
        "Votre message =C3=A0 " + recipient + " n'a pas pu =C3=AAtre remis.\n\n"
        f'--{inner}\nContent-Type: text/html; charset="utf-8"\n'
        "Content-Transfer-Encoding: quoted-printable\n\n"
        "<html><body><p><b>Votre message n=E2=80=99a pas pu =C3=AAtre remis.</b></p></body></html>\n\n"
        f"--{inner}--\n\n"
        f"--{boundary}\nContent-Type: message/delivery-status\n\n"
        "Reporting-MTA: dns;DB9PR07MB1234.eurprd07.prod.outlook.com\n"
        f"Received-From-MTA: dns;DB9PR07MB1234.eurprd07.prod.outlook.com\nArrival-Date: {DATE}\n\n"
        f"Final-Recipient: rfc822;{recipient}\nAction: failed\nStatus: 5.1.10\n"
        "Diagnostic-Code: smtp;550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP\n"
        " address lookup\n\n"
        f"--{boundary}\nContent-Type: message/rfc822\n\n{original}\n--{boundary}--\n"
    )


def gmail_bounce(*, recipients: list[tuple[str, str, str, str]], original_id: str) -> bytes:
    """Gmail's Mail Delivery Subsystem report; recipients are (address, action, status, diagnostic)."""
    boundary = "000000000000d1e2f3a4b5c6d7e8"
    blocks = "".join(
        f"Final-Recipient: rfc822; {address}\nAction: {action}\nStatus: {status}\n"
        f"Remote-MTA: dns; mx.{address.split('@')[1]}. (192.0.2.25, the server for the domain.)\n"
        f"Diagnostic-Code: smtp; {diagnostic}\nLast-Attempt-Date: Mon, 23 Nov 2026 00:14:31 -0800 (PST)\n\n"
        for address, action, status, diagnostic in recipients
    )
    return crlf(
        "Delivered-To: relais-dsi@groupe-aurelia.fr\nReturn-Path: <>\n"
        "From: Mail Delivery Subsystem <mailer-daemon@googlemail.com>\n"
        "To: relais-dsi@groupe-aurelia.fr\nAuto-Submitted: auto-replied\n"
        f"Subject: Delivery Status Notification (Failure)\nDate: {DATE}\n"
        f"Message-ID: <5f1e2d3c.bounce@mx.google.com>\nMIME-Version: 1.0\n"
        f'Content-Type: multipart/report; boundary="{boundary}"; report-type=delivery-status\n\n'
        f'--{boundary}\nContent-Type: text/plain; charset="UTF-8"\n\n'
        "** Address not found **\n\n"
        f"--{boundary}\nContent-Type: message/delivery-status\n\n"
        "Reporting-MTA: dns; googlemail.com\n"
        f"Received-From-MTA: dns; relais-dsi@groupe-aurelia.fr\nArrival-Date: {DATE}\n"
        f"X-Original-Message-ID: {original_id}\n\n"
        f"{blocks}"
        f"--{boundary}\nContent-Type: message/rfc822\n\n"
        f"From: relais-dsi@groupe-aurelia.fr\nSubject: Votre demande\nMessage-ID: {original_id}\n\nTexte.\n\n"
        f"--{boundary}--\n"
    )


def global_dsn(*, recipient: str, transfer_encoding: str = "8bit") -> bytes:
    """An RFC 6533 report (SMTPUTF8): message/global-delivery-status, UTF-8 address, 8bit or base64."""
    status = (
        "Reporting-MTA: dns; mx2.filiale.example\n\n"
        f"Final-Recipient: utf-8; {recipient}\nAction: failed\nStatus: 5.2.2\n"
        "Diagnostic-Code: smtp; 552 5.2.2 boîte pleine\n"
    )
    body = b64_lines(status.encode("utf-8")) if transfer_encoding == "base64" else status
    return crlf(
        "From: postmaster@mx2.filiale.example\nTo: relais-dsi@groupe-aurelia.fr\n"
        f"Subject: Non remis\nDate: {DATE}\nMessage-ID: <g-dsn-1@mx2.filiale.example>\nMIME-Version: 1.0\n"
        'Content-Type: multipart/report; report-type=global-delivery-status; boundary="g"\n\n'
        "--g\nContent-Type: text/plain; charset=utf-8\n\nLe message n'a pas pu etre remis.\n\n"
        "--g\nContent-Type: message/global-delivery-status\n"
        f"Content-Transfer-Encoding: {transfer_encoding}\n\n"
        f"{body}\n--g--\n"
    )


def qmail_bounce(recipient: str) -> bytes:
    """qmail's old plain-text bounce: no delivery-status part at all."""
    return crlf(
        "From: MAILER-DAEMON@mail.filiale.example\nTo: relais-dsi@groupe-aurelia.fr\n"
        f"Subject: failure notice\nDate: {DATE}\nMessage-ID: <qmail-1@mail.filiale.example>\n\n"
        "Hi. This is the qmail-send program at mail.filiale.example.\n"
        "I'm afraid I wasn't able to deliver your message to the following addresses.\n"
        "This is a permanent error; I've given up. Sorry it didn't work out.\n\n"
        f"<{recipient}>:\nSorry, no mailbox here by that name. (#5.1.1)\n"
    )
