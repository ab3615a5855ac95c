"""The sender's identity: the addr-spec of the undecoded From, never a decoded display name."""

import email.utils

import pytest

from requests_box.intake.intake import Intake
from requests_box.intake.parse import parse_message, peek_headers
from requests_box.models import QuarantinedMessage, Request
from tests.requests_box.realworld.builders import b_word, outlook_mail, q_word, simple_mail


def sender_of(from_value: str, **headers) -> tuple[str, str]:
    extra = "".join(f"{name.replace('_', '-')}: {value}\n" for name, value in headers.items())
    parsed = parse_message(simple_mail(from_value=from_value, extra_headers=extra))
    return parsed.from_email, parsed.from_name


def test_an_encoded_display_name_holding_an_address_never_becomes_the_sender():
    from_value = "=?utf-8?Q?camille.martin=40groupe-aurelia.fr_?= <attacker@evil.example>"
    # The display name passes for another person's address: shown nowhere, the address speaks alone.
    assert sender_of(from_value) == ("attacker@evil.example", "")


def test_an_address_written_plainly_as_display_name_never_becomes_the_sender():
    # Not an encoded word: `getaddresses` reads two addresses here and `policy.default` keeps the first.
    assert sender_of("camille.martin@groupe-aurelia.fr <attacker@evil.example>") == (
        "attacker@evil.example",
        "",
    )
    assert (
        sender_of('"camille.martin@groupe-aurelia.fr" <attacker@evil.example>')[0] == "attacker@evil.example"
    )


def test_a_comma_in_an_encoded_latin1_name_keeps_the_address_and_the_name():
    from_value = "=?iso-8859-1?Q?Lef=E8vre=2C_Nadia?= <nadia.lefevre@groupe-aurelia.fr>"
    assert sender_of(from_value) == ("nadia.lefevre@groupe-aurelia.fr", "Lefèvre, Nadia")


def test_an_at_sign_in_an_encoded_name_is_only_shown():
    assert sender_of("=?utf-8?Q?Nadia_=40_DAF?= <x@y>") == ("x@y", "Nadia @ DAF")


@pytest.mark.parametrize(
    "display",
    [
        b_word("Müller, Bernd"),  # Outlook: a B word
        q_word("Müller, Bernd"),  # Thunderbird: a Q word
        f'"{b_word("Müller, Bernd")}"',  # Outlook for Mac: the encoded word quoted (not allowed, common)
        '"Müller, Bernd"',  # an SMTPUTF8 client: raw UTF-8 inside quotes
        "Müller, Bernd",  # a script: raw UTF-8, unquoted, the comma bare
        q_word("Müller", "iso-8859-1") + ", Bernd",  # a word then a bare comma
    ],
)
def test_outlook_last_name_comma_first_name_keeps_its_address(display):
    parsed = parse_message(outlook_mail(from_value=f"{display} <Bernd.Mueller@groupe-aurelia.fr>"))
    assert parsed.from_email == "bernd.mueller@groupe-aurelia.fr"
    assert parsed.from_name == "Müller, Bernd"
    assert parsed.text.startswith("Bonjour,")


def test_several_from_addresses_take_the_one_sender_names():
    parsed = parse_message(
        simple_mail(
            from_value="Paul Martin <paul.martin@groupe-aurelia.fr>, Léa Roux <lea.roux@groupe-aurelia.fr>",
            extra_headers="Sender: lea.roux@groupe-aurelia.fr\n",
        )
    )
    assert (parsed.from_email, parsed.from_name) == ("lea.roux@groupe-aurelia.fr", "Léa Roux")
    assert parsed.from_addresses == ["paul.martin@groupe-aurelia.fr", "lea.roux@groupe-aurelia.fr"]


@pytest.mark.parametrize(
    "sender_header",
    ["", "Sender: secretariat@groupe-aurelia.fr\n", "Sender: a@groupe-aurelia.fr, b@groupe-aurelia.fr\n"],
)
def test_several_from_addresses_without_a_sender_among_them_name_nobody(sender_header):
    parsed = parse_message(
        simple_mail(
            from_value="paul.martin@groupe-aurelia.fr, lea.roux@groupe-aurelia.fr",
            extra_headers=sender_header,
        )
    )
    assert parsed.from_email == ""
    assert parsed.sender_problem == "several From addresses and Sender names none of them"
    assert parsed.from_addresses == ["paul.martin@groupe-aurelia.fr", "lea.roux@groupe-aurelia.fr"]


def test_two_from_fields_count_as_several_addresses():
    raw = simple_mail(
        from_value="camille.martin@groupe-aurelia.fr", extra_headers="From: attacker@evil.example\n"
    )
    parsed = parse_message(raw)
    assert parsed.from_email == ""
    assert parsed.from_addresses == ["camille.martin@groupe-aurelia.fr", "attacker@evil.example"]


def test_the_same_address_twice_is_one_sender():
    assert sender_of("Paul <paul@groupe-aurelia.fr>, PAUL@groupe-aurelia.fr")[0] == "paul@groupe-aurelia.fr"


@pytest.mark.parametrize(
    "from_value",
    [
        "Camille <camille.martin@groupe-aurelia.fr> <attacker@evil.example>",  # two angle addresses
        "=?utf-8?Q?camille.martin=40groupe-aurelia.fr?=",  # an encoded word is never an address
        "not an address",
        "<>",
        "undisclosed-recipients:;",
    ],
)
def test_a_from_without_one_clear_address_names_nobody(from_value):
    assert sender_of(from_value)[0] == ""


def test_sender_alone_does_not_stand_in_for_a_missing_from():
    raw = simple_mail(from_value="Service Paie", extra_headers="Sender: camille.martin@groupe-aurelia.fr\n")
    parsed = parse_message(raw)
    assert (parsed.from_email, parsed.sender_problem) == ("", "no address in From")


@pytest.mark.parametrize(
    "from_value, expected",
    [
        (
            "MAILER-DAEMON@mx.example (Mail Delivery System)",
            ("mailer-daemon@mx.example", "Mail Delivery System"),
        ),
        (
            '"Dupont, Jean (DSI)" <Jean.Dupont@Groupe-Aurelia.FR>',
            ("jean.dupont@groupe-aurelia.fr", "Dupont, Jean (DSI)"),
        ),
        ("<@relay.example:paul@groupe-aurelia.fr>", ("paul@groupe-aurelia.fr", "")),
        ('"john doe"@filiale.example', ('"john doe"@filiale.example', "")),
        ("José Núñez <josé@exemple.fr>", ("josé@exemple.fr", "José Núñez")),  # SMTPUTF8
        ("Jean <jean@groupe-aurelia.fr", ("jean@groupe-aurelia.fr", "Jean")),  # unclosed angle
        ("=?utf-8?Q?camille=40groupe-aurelia?= <attacker@evil.example>", ("attacker@evil.example", "")),
        (
            "paul@groupe-aurelia.fr <paul@groupe-aurelia.fr>",
            ("paul@groupe-aurelia.fr", "paul@groupe-aurelia.fr"),
        ),
    ],
)
def test_other_real_world_from_shapes(from_value, expected):
    assert sender_of(from_value) == expected


@pytest.mark.parametrize(
    "from_value",
    [
        "alice@groupe-aurelia.fr",
        "Alice Martin <alice@groupe-aurelia.fr>",
        '"Martin, Alice" <alice@groupe-aurelia.fr>',
        "alice@groupe-aurelia.fr (Alice Martin)",
        "Team: a@groupe-aurelia.fr, b@groupe-aurelia.fr;",
    ],
)
def test_ordinary_address_lists_read_as_the_standard_library_reads_them(from_value):
    parsed = parse_message(simple_mail(from_value=from_value))
    expected = [address.lower() for _name, address in email.utils.getaddresses([from_value]) if address]
    assert parsed.from_addresses == expected


def test_to_and_cc_addresses_are_kept_for_the_participants_of_a_thread():
    raw = outlook_mail(
        from_value="alice@groupe-aurelia.fr",
        extra_headers=f"Cc: {b_word('Roux, Léa')} <Lea.Roux@groupe-aurelia.fr>, paul@groupe-aurelia.fr\n",
    )
    parsed = parse_message(raw)
    assert parsed.to_addresses == ["relais-dsi@groupe-aurelia.fr"]
    assert parsed.cc_addresses == ["lea.roux@groupe-aurelia.fr", "paul@groupe-aurelia.fr"]


def test_peek_headers_gives_the_address_not_the_display_name():
    raw = simple_mail(from_value="=?utf-8?Q?camille.martin=40groupe-aurelia.fr_?= <attacker@evil.example>")
    assert peek_headers(raw)[1] == "attacker@evil.example"


@pytest.mark.django_db
def test_an_impersonating_mail_is_not_filed_under_the_employee_it_names(user_a):
    """Issue 15: the encoded display name named Alice; the request must not be hers."""
    raw = outlook_mail(from_value="=?utf-8?Q?alice=40groupe-aurelia.fr_?= <attacker@evil.example>")
    result = Intake(acknowledge=False).ingest(raw, source="attack.eml")
    request = Request.objects.get(reference=result.detail)
    assert (request.sender_email, request.sender_name, request.contact) == ("attacker@evil.example", "", None)
    assert not Request.objects.filter(contact__user=user_a).exists()


@pytest.mark.django_db
def test_a_comma_in_the_name_no_longer_sends_the_mail_to_quarantine(user_a):
    raw = outlook_mail(from_value=f"{b_word('Martin, Alice')} <alice@groupe-aurelia.fr>")
    result = Intake(acknowledge=False).ingest(raw, source="outlook.eml")
    assert result.outcome == "created"
    request = Request.objects.get(reference=result.detail)
    assert (request.contact.user, request.sender_name) == (user_a, "Martin, Alice")
    assert not QuarantinedMessage.objects.exists()
