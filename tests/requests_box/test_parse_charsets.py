"""The right characters: WHATWG label aliases, supersets, ISO-2022-JP extensions, UTF-7, undeclared bytes."""

import pytest

from requests_box.intake.charsets import codec_for, decode_bytes
from requests_box.intake.parse import parse_message
from tests.requests_box.realworld.builders import (
    b_word,
    foxmail_gb2312,
    japanese_outlook,
    labelled_text_mail,
    outlook_express_utf7,
    raw_8bit_mail,
    windows_iso2022jp,
)


def test_gb2312_is_read_as_gb18030_in_subject_name_and_body():
    # 镕 is GBK, not GB2312; byte 0x80 is the euro sign of Windows' code page 936.
    parsed = parse_message(foxmail_gb2312("关于朱镕基文集的报价", "您好，报价为 1500€，请确认。\n谢谢"))
    assert parsed.subject == "关于朱镕基文集的报价"
    assert parsed.from_name == "李伟"
    assert parsed.text.strip() == "您好，报价为 1500€，请确认。\n谢谢"


@pytest.mark.parametrize(
    "label, text, codec",
    [
        (
            "iso-8859-1",
            "Devis « œuvre » : 1 500 € – “urgent”",
            "cp1252",
        ),  # Outlook's 'Western European (ISO)'
        ("latin1", "Coût estimé : 300 €", "cp1252"),
        ("ISO_8859-1:1987", "Déjà vu…", "cp1252"),
        ("iso-8859-9", "Sayın Müşteri, teşekkürler – “ok”", "cp1254"),
        ("tis-620", "สวัสดีครับ … ขอบคุณ", "cp874"),
        ("ks_c_5601-1987", "똠방각하 안녕하세요", "cp949"),  # 똠 exists in windows-949 only
        ("euc-kr", "똠방각하", "cp949"),
        ("shift_jis", "①②③ ㈱アウレリア", "cp932"),  # NEC row 13, in windows-31J only
        ("x-sjis", "資料①", "cp932"),
        ("big5", "㗎嘅啲 香港", "big5hkscs"),  # HKSCS characters
        ("gbk", "朱镕基", "gb18030"),
        ("x-mac-roman", "Réunion à l'été", "mac_roman"),
        ("windows-874", "ขอบคุณ", "cp874"),
        ("utf8", "Réunion – ok", "utf-8"),
    ],
)
def test_charset_labels_are_read_as_the_whatwg_encoding_standard_says(label, text, codec):
    parsed = parse_message(labelled_text_mail(label, text.encode(codec)))
    assert parsed.text.strip() == text


def test_label_table_follows_the_whatwg_aliases():
    assert [codec_for(label) for label in ("ISO-8859-1", "gb2312", "Shift_JIS", "EUC-KR", "big5")] == [
        "cp1252",
        "gb18030",
        "cp932",
        "cp949",
        "big5hkscs",
    ]
    assert codec_for("us-ascii") is None  # MIME's default says nothing about 8-bit bytes


def test_windows_1252_bytes_undefined_in_windows_1252_become_c1_controls_not_an_error():
    assert decode_bytes(b"a\x81b\x9dc \x80", "iso-8859-1") == "a\x81b\x9dc €"


def test_iso_2022_jp_from_windows_keeps_its_vendor_characters():
    subject = "【至急】①会議資料の件（㈱アウレリア）"
    body = "山田様\nお世話になっております。\n①議事録\n②見積書 Ⅲ期分\n㈱アウレリア　鈴木"
    parsed = parse_message(japanese_outlook(subject, body))
    assert parsed.subject == subject
    assert parsed.from_name == "山田"
    assert parsed.text.replace("\r\n", "\n").strip() == body
    assert "\x1b" not in parsed.text


def test_iso_2022_jp_halfwidth_katakana_and_plain_text_are_read():
    parsed = parse_message(japanese_outlook("ｱﾝｹｰﾄ回答", "ｱﾝｹｰﾄにご協力ください。"))
    assert parsed.subject == "ｱﾝｹｰﾄ回答"
    assert parsed.text.strip() == "ｱﾝｹｰﾄにご協力ください。"
    standard = parse_message(japanese_outlook("会議の件", "よろしくお願いします。"))
    assert (standard.subject, standard.text.strip()) == ("会議の件", "よろしくお願いします。")


def test_undeclared_iso_2022_jp_in_raw_headers_and_body_is_read():
    subject, body = "会議の件", "明日の会議は①番会議室です。"
    raw = raw_8bit_mail(subject=windows_iso2022jp(subject), body=windows_iso2022jp(body))
    parsed = parse_message(raw)
    assert (parsed.subject, parsed.text.strip()) == (subject, body)


@pytest.mark.parametrize("label", ["unicode-1-1-utf-7", "x-unicode-2-0-utf-7", "UTF-7"])
def test_utf7_encoded_words_and_bodies_are_decoded(label):
    parsed = parse_message(
        outlook_express_utf7("Réunion du comité – 10h", "Bonjour,\nla réunion est à 10h.", label)
    )
    assert parsed.subject == "Réunion du comité – 10h"
    assert parsed.text.strip() == "Bonjour,\nla réunion est à 10h."


def test_raw_utf8_headers_and_body_are_utf8():
    raw = raw_8bit_mail(
        subject="Accès refusé – “VPN”".encode(),
        body="Déjà signalé hier.".encode(),
        from_value="Zoé <zoe@groupe-aurelia.fr>".encode(),
    )
    parsed = parse_message(raw)
    assert (parsed.subject, parsed.text.strip(), parsed.from_name) == (
        "Accès refusé – “VPN”",
        "Déjà signalé hier.",
        "Zoé",
    )


def test_undeclared_cyrillic_is_detected_not_read_as_windows_1252():
    body = "Здравствуйте! Не работает принтер на третьем этаже, прошу помочь как можно скорее."
    parsed = parse_message(raw_8bit_mail(subject="Принтер".encode("koi8-r"), body=body.encode("koi8-r")))
    assert parsed.text.strip() == body
    assert parsed.subject == "Принтер"


def test_undeclared_shift_jis_body_is_detected():
    body = "お世話になっております。プリンターが故障しましたので、修理をお願いいたします。"
    assert (
        parse_message(raw_8bit_mail(subject=b"Printer", body=body.encode("shift_jis"))).text.strip() == body
    )


def test_a_raw_subject_takes_the_charset_the_body_declares():
    # An old client writes its subject raw in the body's charset: ISO-8859-15 has the euro at 0xA4.
    raw = raw_8bit_mail(
        subject="Coût : 300 €".encode("iso-8859-15"),
        body="Prix en €".encode("iso-8859-15"),
        charset="iso-8859-15",
    )
    parsed = parse_message(raw)
    assert (parsed.subject, parsed.text.strip()) == ("Coût : 300 €", "Prix en €")


def test_short_undeclared_french_prefers_windows_1252():
    parsed = parse_message(
        raw_8bit_mail(subject="Réunion à l'été".encode("cp1252"), body="déjà vu".encode("cp1252"))
    )
    assert (parsed.subject, parsed.text.strip()) == ("Réunion à l'été", "déjà vu")


def test_utf8_with_a_stray_legacy_byte_keeps_its_utf8():
    body = "Voir ci-dessous – merci.\n> Le 22/11, Zoé a écrit : ".encode() + "ancienne réponse".encode(
        "cp1252"
    )
    assert parse_message(raw_8bit_mail(subject=b"Re: x", body=body)).text.strip() == (
        "Voir ci-dessous – merci.\n> Le 22/11, Zoé a écrit : ancienne réponse"
    )


@pytest.mark.parametrize(
    "label", ["us-ascii", "x-klingon", "unknown-8bit", "base64", "zlib", "unicode_escape"]
)
def test_labels_that_say_nothing_read_the_bytes_as_undeclared(label):
    parsed = parse_message(labelled_text_mail(label, "Accès au \\x41 répertoire".encode()))
    assert parsed.text.strip() == "Accès au \\x41 répertoire"


def test_a_multibyte_character_split_across_two_encoded_words_is_joined():
    data = "Réunion".encode()
    first, second = data[:2], data[2:]  # "R" + half of "é" | the other half + "union"
    subject = (
        "=?utf-8?Q?"
        + "".join(f"={b:02X}" for b in first)
        + "?=\r\n =?utf-8?Q?"
        + "".join(f"={b:02X}" for b in second)
        + "?="
    )
    raw = labelled_text_mail("utf-8", b"x", subject_word=subject)
    assert parse_message(raw).subject == "Réunion"


def test_encoded_words_inside_quotes_and_with_a_language_are_decoded():
    raw = labelled_text_mail("utf-8", b"x", subject_word=f'"{b_word("Accès")}" =?UTF-8*fr?Q?d=C3=A9nied?=')
    assert parse_message(raw).subject == '"Accès" dénied'


def test_attachment_names_in_rfc2231_gb2312_and_raw_8bit_are_decoded():
    raw = (
        b"From: a@groupe-aurelia.fr\r\nSubject: pj\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="m"\r\n\r\n'
        b"--m\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nVoir pj.\r\n"
        b"--m\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment;\r\n"
        b" filename*=gb2312''%D6%EC%E9%46.pdf\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERg==\r\n"
        b'--m\r\nContent-Type: application/pdf; name="' + "Procès-verbal.pdf".encode() + b'"\r\n'
        b"Content-Transfer-Encoding: base64\r\n\r\nJVBERg==\r\n--m--\r\n"
    )
    assert [a.filename for a in parse_message(raw).attachments] == ["朱镕.pdf", "Procès-verbal.pdf"]


def test_an_html_part_without_mime_charset_uses_its_meta_charset():
    html = '<html><head><meta charset="koi8-r"></head><body><p>Привет</p></body></html>'
    raw = b"From: a@b.fr\r\nSubject: x\r\nContent-Type: text/html\r\n\r\n" + html.encode("koi8-r")
    assert parse_message(raw).text.strip() == "Привет"


def test_utf7_lone_surrogates_never_reach_the_database():
    parsed = parse_message(labelled_text_mail("utf-7", b"avant +2AA- apres"))
    parsed.text.encode("utf-8")  # would raise on a lone surrogate
    assert parsed.text.strip() == "avant \ufffd apres"
