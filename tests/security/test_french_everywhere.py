"""French everywhere a French user looks.

1. `makemessages` run on a copy of the code leaves no fuzzy and no empty French entry: every English
   text of the code has its French translation.
2. Every page of the access matrix, requested as every persona allowed to open it, in French, shows no
   English text of the catalogues: neither a text whose French translation is missing, nor a text
   rendered in English although it has one (a label computed outside the translation, or stored in
   English by a user whose screen was in English). PDFs and CSV exports are read the same way.
3. The mails the DSI's people and the clients receive are French as well.
"""

import csv
import io
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.security.test_access_matrix import CASES, world  # noqa: F401 - world is a fixture

ROOT = Path(__file__).resolve().parents[2]
SKIPPED_DIRS = {".venv", "var", ".git", "media", "node_modules", "__pycache__", ".ruff_cache", "static_root"}


def _copy_source(target: Path) -> None:
    def ignore(directory, names):
        return [n for n in names if n in SKIPPED_DIRS or n.endswith((".pyc", ".sqlite3", ".mo"))]

    shutil.copytree(ROOT, target, ignore=ignore, dirs_exist_ok=True)


@pytest.fixture(scope="session")
def fresh_catalogues(tmp_path_factory) -> dict[str, polib.POFile]:
    """The French catalogues as `makemessages` leaves them today, run on a copy of the code."""
    if shutil.which("xgettext") is None:
        pytest.fail("GNU gettext is needed (Debian package gettext, see scripts/system-deps.sh)")
    copy = tmp_path_factory.mktemp("makemessages")
    _copy_source(copy)
    done = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "makemessages", "-l", "fr"],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return {
        str(path.relative_to(copy)): polib.pofile(str(path))
        for path in sorted(copy.glob("**/locale/fr/LC_MESSAGES/django.po"))
    }


def _untranslated(entry: polib.POEntry) -> bool:
    return not entry.obsolete and ("fuzzy" in entry.flags or not entry.translated())


def test_makemessages_leaves_no_fuzzy_or_empty_entry(fresh_catalogues):
    problems = [
        f"{path}: {'fuzzy' if 'fuzzy' in entry.flags else 'empty'} {entry.msgid!r} "
        f"({', '.join(f'{f}:{n}' for f, n in entry.occurrences[:2])})"
        for path, po in fresh_catalogues.items()
        for entry in po
        if _untranslated(entry)
    ]
    assert not problems, "Translate these in the app's locale/fr/LC_MESSAGES/django.po:\n" + "\n".join(
        problems
    )


# -- what English looks like on a French page


def _english_texts(catalogues) -> tuple[dict[str, str], set[str]]:
    """English texts that must not appear on a French page (with why), and every French text (which
    may, when a French word is spelled like an English one: "Service", "Type", "Client")."""
    english, french = {}, set()
    for po in catalogues.values():
        for entry in po:
            if entry.obsolete:
                continue
            texts = [entry.msgid, entry.msgid_plural] if entry.msgid_plural else [entry.msgid]
            translations = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
            french.update(" ".join(t.split()) for t in translations if t)
            for text in texts:
                text = " ".join(text.split())
                if "%" in text or "{" in text or len(text) < 4 or not re.search(r"[A-Za-z]{3}", text):
                    continue  # a template with placeholders cannot be matched whole
                if _untranslated(entry):
                    english[text] = "no French translation"
                elif text not in translations:
                    english.setdefault(text, "shown in English although translated")
    return english, french


class _Texts(HTMLParser):
    """The texts a reader meets: text nodes and the attributes read out or shown. Not scripts nor
    styles, nor what is marked as written in another language (`lang="en"`: the language switch)."""

    ATTRIBUTES = ("aria-label", "title", "placeholder", "alt", "data-template")
    VOID = {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts, self._stack = [], []

    def _skipping(self) -> bool:
        return any(self._stack)

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        foreign = bool(values.get("lang")) and not values["lang"].startswith("fr")
        if tag not in self.VOID:
            # <pre> holds data shown as it is (a quarantined mail's raw text), not the portal's words.
            self._stack.append(tag in ("script", "style", "pre") or foreign)
        if self._skipping() or foreign:
            return
        for name, value in attrs:
            if name in self.ATTRIBUTES and value:
                self.texts.append(value)
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.texts.append(values["value"])

    def handle_endtag(self, tag):
        if tag not in self.VOID and self._stack:
            self._stack.pop()

    def handle_data(self, data):
        if not self._skipping() and data.strip():
            self.texts.append(data)


def _json_values(value) -> list[str]:
    if isinstance(value, dict):
        return [text for item in value.values() for text in _json_values(item)]
    if isinstance(value, list):
        return [text for item in value for text in _json_values(item)]
    return [value] if isinstance(value, str) else []


# Separators inside one text node: "Nouvelle → Qualified", "Type : Simple", "a · b", "(Resolved)".
_SPLIT = re.compile(r"\s*(?:→|·|;|\||\(|\)|:\s|\n|—|«|»)\s*")


def _segments(texts) -> set[str]:
    found = set()
    for text in texts:
        whole = " ".join(text.split())
        found.add(whole)
        found.update(part.strip(" .,") for part in _SPLIT.split(whole))
    return {s for s in found if s}


def _leaks(texts, english, french) -> list[str]:
    return sorted(
        f"{segment!r} ({english[segment]})"
        for segment in _segments(texts)
        if segment in english and segment not in french
    )


def _texts_of(response) -> list[str]:
    kind = response.get("Content-Type", "").split(";")[0]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if kind == "text/html":
        parser = _Texts()
        parser.feed(body.decode("utf-8", "replace"))
        return parser.texts
    if kind == "application/pdf":
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(body))
        return [line for page in reader.pages for line in (page.extract_text() or "").splitlines()]
    if kind == "text/csv":
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
        return [cell for row in rows[:1] for cell in row]  # the header: the rest is data
    if kind == "application/json":
        import json

        return _json_values(json.loads(body))
    return []


@pytest.fixture
def lived_in(
    world,  # noqa: F811 - the access matrix's fixture, imported above
    relationship_manager,
    product_manager,
    team_member,
    support_team,
    cio,
):
    """The matrix's world after some life, lived partly by a relationship manager whose screen is in
    English: qualified, given, answered, waited for, a complaint codified and forwarded, a mail
    quarantined, a committee's meetings planned. What they stored must read in French."""
    import datetime as dt

    from django.utils import timezone

    from committees import services as committee_services
    from requests_box import complaints, services, workflow
    from requests_box.intake.intake import Intake
    from requests_box.models import ComplaintCause, Kind

    request = world["request"]
    with translation.override("en"):
        request = workflow.qualify(request, actor=relationship_manager, kind=Kind.COMPLEXE, urgent=True)
        request = workflow.assign(request, actor=relationship_manager, assignee=team_member)
        workflow.add_note(request, actor=relationship_manager, text="Voir avec le fournisseur.")
        request = workflow.change_status(request, "waiting_client", actor=relationship_manager)
        request = workflow.change_status(request, "in_progress", actor=team_member)
        complaint = services.create_request(
            channel="web",
            subject="Toujours en panne",
            text="Troisième relance.",
            contact=world["contact_a"],
            kind=Kind.RECLAMATION,
            acknowledge=False,
        )
        cause = ComplaintCause.objects.create(name="Délai non tenu")
        complaint = workflow.qualify(
            complaint, actor=relationship_manager, cause=cause, founded=True, grievance="relationnelle"
        )
        complaints.forward_complaint(complaint, actor=relationship_manager, team=support_team, note="Urgent")
        complaint = workflow.change_status(
            complaint, "resolved", actor=relationship_manager, response_type="telephone"
        )
        Intake(acknowledge=False).ingest(b"From: x@groupe-aurelia.fr\r\nMessage-ID: <vide@x>\r\n\r\n")
        planned = committee_services.plan_meetings(
            world["committee"], until=timezone.localdate() + dt.timedelta(days=200)
        )
    world["complaint"] = complaint
    world["planned"] = planned[0]
    return world


# Files people uploaded are served as they are: not the portal's text. Wagtail's back office (/admin/)
# speaks Wagtail's own catalogue (a few of its hidden buttons are untranslated upstream); the portal's
# own strings there (models, panels) are covered by the makemessages test.
UPLOADED = {
    "wagtailadmin_home",
    "wagtailadmin_explore_root",
    "wagtailusers_users:index",
    "wagtaildocs_serve",
    "requests_box:attachment_download",
    "requests_box:quarantine_raw",
    "requests_box:ignored_raw",
}


def _get_cases():
    return {
        case: (name, row)
        for case, (name, row) in CASES.items()
        if row.method == "get" and name not in UPLOADED
    }


@pytest.mark.slow
@pytest.mark.django_db
def test_every_page_reads_in_french_for_every_persona(lived_in, fresh_catalogues):
    english, french = _english_texts(fresh_catalogues)
    problems, seen_documents = [], set()
    extra_urls = [
        reverse("requests_box:request_detail", args=[lived_in["complaint"].reference]),
        reverse("requests_box:work_queue") + "?queue=teams",
        reverse("requests_box:quarantine_list"),
        reverse("committees:meeting_detail", args=[lived_in["planned"].pk]),
    ]
    for _case, (name, row) in sorted(_get_cases().items()):
        params = row.kwargs(lived_in)
        url = (
            reverse(name, args=params) if isinstance(params, tuple) else reverse(name, kwargs=params)
        ) + row.query
        for role in sorted(row.allowed):
            if role == "anonymous":
                continue
            problems += _read(lived_in, role, url, english, french, seen_documents)
    for role in ("relationship_manager", "team_member", "cio"):
        for url in extra_urls[:3] if role == "team_member" else extra_urls:
            problems += _read(lived_in, role, url, english, french, seen_documents)
    assert not problems, "English on French screens:\n" + "\n".join(problems)


def _read(lived, role, url, english, french, seen_documents) -> list[str]:
    kind_of = url.split("?")[0]
    client = Client(raise_request_exception=True)
    client.force_login(lived["users"][role])
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")  # the browser's language is not followed
    if response.status_code != 200:
        return [] if response.status_code in (302, 403, 404) else [f"{role} {url}: {response.status_code}"]
    kind = response.get("Content-Type", "").split(";")[0]
    if kind != "text/html":
        if kind_of in seen_documents:
            return []  # a document is the same for every reader: read once
        seen_documents.add(kind_of)
    return [f"{role} {url}: {leak}" for leak in _leaks(_texts_of(response), english, french)]


@pytest.mark.django_db
def test_mails_to_the_dsi_and_to_clients_are_french(
    fresh_catalogues,
    user_a,
    relationship_manager,
    team_member,
    support_team,
    directorate_a,
    django_capture_on_commit_callbacks,
):
    import datetime as dt

    from committees import services as committee_services
    from committees.models import Committee, CommitteeMember
    from requests_box import complaints, services, workflow
    from requests_box.models import Kind

    english, french = _english_texts(fresh_catalogues)
    directorate_a.relationship_manager = relationship_manager
    directorate_a.save()
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        request = services.create_request(
            channel="web", subject="Écran", text="Noir", contact=user_a.contact, submitted_by=user_a
        )
        workflow.assign(request, actor=relationship_manager, assignee=team_member, team=support_team)
        workflow.reply_to_client(request, actor=relationship_manager, text="Bonjour, c'est réglé.")
        complaint = services.create_request(
            channel="web", subject="Plainte", text="Encore", contact=user_a.contact, kind=Kind.RECLAMATION
        )
        complaints.answer_with_copy(complaint, actor=relationship_manager, text="Désolés.", team=support_team)
        committee = Committee.objects.create(
            name="Comité DCOM", directorate=directorate_a, level="tactique", starts_on=dt.date(2026, 1, 15)
        )
        CommitteeMember.objects.create(committee=committee, contact=user_a.contact)
        (meeting,) = committee_services.plan_meetings(committee, until=dt.date(2026, 2, 1))
        committee_services.send_invitations(meeting, organizer=relationship_manager)
    assert "Suivi du plan d’actions" in meeting.agenda
    assert len(mail.outbox) >= 6
    problems = [
        f"{m.subject!r}: {leak}"
        for m in mail.outbox
        for leak in _leaks([m.subject, *m.body.splitlines()], english, french)
    ]
    assert not problems, "\n".join(problems)
    assert settings.LANGUAGE_CODE == "fr"


PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")


def test_every_translation_keeps_the_placeholders_of_its_english_text():
    """A French text that loses `%(code)s` or `{reference}` shows a wrong or empty message."""
    problems = []
    for path in sorted(ROOT.glob("*/locale/fr/LC_MESSAGES/django.po")):
        for entry in polib.pofile(str(path)):
            if entry.obsolete or not entry.msgstr:
                continue
            wanted = {a or b for a, b in PLACEHOLDER.findall(entry.msgid)}
            found = {a or b for a, b in PLACEHOLDER.findall(entry.msgstr)}
            if wanted != found:
                problems.append(f"{path.relative_to(ROOT)}: {entry.msgid!r} -> {entry.msgstr!r}")
    assert not problems, "\n".join(problems)
