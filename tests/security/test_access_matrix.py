"""Every URL of the portal, requested as every role, against an explicit allow/deny table.

How to classify a new URL: add an entry to `MATRIX` under its URL name (`namespace:name`):
`Row(method, kwargs-builder, allowed roles)`. `ALL` is every logged-in persona. A role not in the
allowed set must be refused (403 or 404: the portal hides what a user may not see); anonymous
visitors are sent to the login page unless `public=True`, in which case "anonymous" is judged like
any other role against the allowed set (`PUBLIC` = everyone). URLs that are not the portal's own
(Wagtail internals) go in `EXCLUDED` with the reason.

`test_every_url_is_classified` fails when a URL pattern has no entry: a new view is never
shipped without deciding who may open it.
"""

import datetime as dt
import io

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from wagtail.documents import get_document_model

from catalogue.models import ServicePage
from committees import services as committee_services
from committees.models import Committee, CommitteeMember, Level, Meeting, MeetingPack, MeetingStatus
from home.models import GeneratedReport
from kpis.models import InvitationStatus, Survey, SurveyInvitation, SurveyKind
from kpis.surveys import services as survey_services
from requests_box import services as box_services
from requests_box.models import Attachment

# -- the personas -------------------------------------------------------------------------------

ROLES = [
    "anonymous",
    "user_a",
    "user_b",
    "correspondent_a",
    "product_manager",
    "team_member",
    "relationship_manager",
    "cio",
    "editor",
]
ALL = frozenset(ROLES) - {"anonymous"}
PUBLIC = frozenset(ROLES)
RM = frozenset({"relationship_manager"})
READERS = frozenset({"relationship_manager", "cio"})
DASHBOARD = frozenset({"relationship_manager", "cio", "correspondent_a"})
# Who reads the request of user A (entity of directorate A, about the product manager's service, given
# to the team member's team): its author, the correspondent of the directorate, the team member who
# works it, the service's product manager and the CIO (both read-only), the relationship managers.
REQUEST_A = frozenset(
    {"user_a", "correspondent_a", "team_member", "product_manager", "relationship_manager", "cio"}
)
# Who sees its internal side (notes and their files): the DSI people among them, not the client.
REQUEST_A_DSI = frozenset({"team_member", "product_manager", "relationship_manager", "cio"})
# Who works it: the relationship managers and whoever it is given to (here the team member's team).
WORKS_A = frozenset({"team_member", "relationship_manager"})
# Who acts as its client (write, cancel, reopen): its author only.
CLIENT_A = frozenset({"user_a"})
# Complaint tables and the preventive-action register: relationship managers and the CIO.
COMPLAINT_READERS = READERS
# Communication: who composes and sends campaigns, who reads them and their measures.
COMPOSERS = frozenset({"relationship_manager", "editor"})
COMMS_READERS = frozenset({"relationship_manager", "editor", "cio"})
# Committee of directorate A and its held meeting with published minutes.
COMMITTEE_A = frozenset({"user_a", "correspondent_a", "relationship_manager", "cio"})


class Row:
    def __init__(
        self, method, kwargs, allowed, *, public=False, query="", check=None, ends_on_login=False, data=None
    ):
        self.method, self.kwargs, self.allowed, self.data = method, kwargs, frozenset(allowed), data or {}
        self.public, self.query, self.check = public, query, check
        self.ends_on_login = ends_on_login  # a success that lands on the login page (logging out)


def no_args(world):
    return {}


def blank_pdf() -> bytes:
    """A real one-page PDF, built in milliseconds (readers of the response parse it)."""
    from pypdf import PdfWriter

    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=595, height=842)
    writer.write(out)
    return out.getvalue()


# What a browser may render from an attachment without running anything of the sender's.
SAFE_TYPES = {
    "application/octet-stream",
    "application/pdf",
    "text/plain",
    "text/csv",
    "image/png",
    "image/jpeg",
}


def attachment_is_safe(response):
    assert response["Content-Disposition"].startswith("attachment;"), response["Content-Disposition"]
    assert response["Content-Type"].split(";")[0] in SAFE_TYPES, response["Content-Type"]
    assert response["X-Content-Type-Options"] == "nosniff"


def is_json(response):
    assert response["Content-Type"] == "application/json"


def shows_answer_form(response):
    assert b"<form" in response.content and response.status_code == 200


def is_download(content_type):
    def check(response):
        assert response["Content-Type"].startswith(content_type)
        assert response["Content-Disposition"].startswith(("attachment;", "inline;"))

    return check


MATRIX: dict[str, Row] = {
    # -- project-level
    "login": Row("get", no_args, PUBLIC, public=True),
    "logout": Row("post", no_args, PUBLIC, public=True, ends_on_login=True),
    "set_language": Row("post", no_args, PUBLIC, public=True),
    # -- company sign-in (accounts/): not found unless OIDC_* is set; configured, anyone may start a
    # sign-in and come back from the provider (tests/accounts/test_oidc_sign_in.py).
    "oidc_authentication_init": Row("get", no_args, set(), public=True),
    "oidc_authentication_callback": Row("get", no_args, set(), public=True),
    # -- operations: health for load balancers, unlocking a throttled account, the operations page
    "health": Row("get", no_args, PUBLIC, public=True, check=is_json),
    "unlock_request": Row("get", no_args, PUBLIC, public=True),
    "unlock_link": Row("get", lambda w: {"token": "pas-un-jeton"}, PUBLIC, public=True),
    "operations_admin": Row("get", no_args, set()),  # superusers only: none of the personas
    "authenticator_setup": Row("get", no_args, ALL),  # each person's own authenticator app
    "home": Row("get", no_args, ALL),
    # -- PDFs built in the background (home/reports.py): reached by an unguessable token, by their
    # owner only (here the CIO's export of the dashboard), while the owner may read the document.
    "report": Row("get", lambda w: {"token": w["report"].token}, {"cio"}),
    "report_status": Row("get", lambda w: {"token": w["report"].token}, {"cio"}, check=is_json),
    "report_download": Row(
        "get", lambda w: {"token": w["report"].token}, {"cio"}, check=is_download("application/pdf")
    ),
    "report_retry": Row("post", lambda w: {"token": w["report"].token}, {"cio"}),
    "wagtail_serve": Row("get", lambda w: (w["service_path"],), ALL),
    # -- directory
    "directory:entity_list": Row("get", no_args, READERS),
    "directory:entity_detail": Row("get", lambda w: {"code": "DCOM-GC"}, READERS),
    "directory:my_profile": Row("get", no_args, ALL),
    # A relationship manager's home: the directorates they answer for (no one else has a portfolio).
    "directory:my_portfolio": Row("get", no_args, RM),
    # -- catalogue
    "catalogue:browse": Row("get", no_args, ALL),
    "catalogue:suggest": Row("get", no_args, ALL, query="?q=mess", check=is_json),
    # What people searched (no identity kept) and the keywords added from it: editors and RRC.
    "catalogue:search_insights": Row("get", no_args, {"editor", "relationship_manager"}),
    "catalogue:add_keyword": Row(
        "post", no_args, {"editor", "relationship_manager"}, data={"term": "courriel", "service": "MAIL"}
    ),
    "catalogue:index": Row("get", no_args, ALL),
    # A service's clients: its product manager, the relationship managers and the CIO. The list shows
    # a product manager their own services only.
    "catalogue:service_clients_list": Row("get", no_args, {"product_manager", "relationship_manager", "cio"}),
    "catalogue:service_clients": Row(
        "get", lambda w: {"code": "MAIL"}, {"product_manager", "relationship_manager", "cio"}
    ),
    # Printed documents of published content: every employee. The leaflet is built inside the
    # request, so each role gets the PDF itself; the full catalogue is built in the background.
    "catalogue:print": Row("get", lambda w: {"kind": "leaflet"}, ALL, check=is_download("application/pdf")),
    "catalogue:print_status": Row("get", lambda w: {"kind": "catalogue"}, ALL, check=is_json),
    "catalogue:print_sheet": Row(
        "get", lambda w: {"code": "MAIL"}, ALL, check=is_download("application/pdf")
    ),
    # A draft sheet shows unpublished content: editors, and the service's own product manager.
    "catalogue:print_draft_sheet": Row(
        "get", lambda w: {"code": "MAIL"}, {"editor", "product_manager"}, check=is_download("application/pdf")
    ),
    # Draft previews of the whole catalogue, poster and leaflet (every service's pending changes):
    # editors only. The leaflet's preview is built inside the request.
    "catalogue:print_draft": Row(
        "get", lambda w: {"kind": "leaflet"}, {"editor"}, check=is_download("application/pdf")
    ),
    # -- requests
    "requests_box:my_requests": Row("get", no_args, ALL),
    "requests_box:new_request": Row("get", no_args, ALL),
    "requests_box:request_detail": Row("get", lambda w: {"reference": w["request"].reference}, REQUEST_A),
    "requests_box:attachment_download": Row(
        "get",
        lambda w: {"reference": w["request"].reference, "pk": w["attachment"].pk},
        REQUEST_A,
        check=attachment_is_safe,
    ),
    "requests_box:link_sender": Row("post", lambda w: {"reference": w["request"].reference}, RM),
    "requests_box:confirm_sender": Row("post", lambda w: {"reference": w["request"].reference}, RM),
    "requests_box:request_action": Row(
        "post",
        lambda w: {"reference": w["request"].reference},
        WORKS_A,
        data={"action": "compose", "compose-mode": "note", "compose-text": "Vu."},
    ),
    "requests_box:deadline_preview": Row(
        "get", lambda w: {"reference": w["request"].reference}, WORKS_A, query="?urgent=1", check=is_json
    ),
    "requests_box:client_message": Row(
        "post", lambda w: {"reference": w["request"].reference}, CLIENT_A, data={"message-text": "Merci"}
    ),
    "requests_box:client_cancel": Row(
        "post",
        lambda w: {"reference": w["request"].reference},
        CLIENT_A,
        data={"cancel-reason": "Plus utile"},
    ),
    "requests_box:client_reopen": Row(
        "post", lambda w: {"reference": w["request"].reference}, CLIENT_A, data={"reopen-text": "Toujours"}
    ),
    "requests_box:work_queue": Row(
        "get", no_args, {"product_manager", "team_member", "relationship_manager"}
    ),
    "requests_box:service_feedback": Row("get", no_args, {"product_manager"}),
    "requests_box:triage": Row("get", no_args, RM),
    "requests_box:rule_test": Row("get", no_args, RM),
    "requests_box:preventive_actions": Row("get", no_args, COMPLAINT_READERS),
    "requests_box:complaint_tables": Row("get", no_args, COMPLAINT_READERS),
    "requests_box:complaint_tables_csv": Row(
        "get",
        lambda w: {"key": "complaints_rate_directorate"},
        COMPLAINT_READERS,
        check=is_download("text/csv"),
    ),
    "requests_box:callbacks": Row("get", no_args, RM),
    "requests_box:callback_done": Row(
        "post", lambda w: {"reference": w["request"].reference}, RM, data={"satisfaction-note": "Satisfait"}
    ),
    "requests_box:mailbox_home": Row("get", no_args, RM),
    "requests_box:measures": Row("get", no_args, RM),
    "requests_box:measures_csv": Row("get", lambda w: {"key": "volume"}, RM, check=is_download("text/csv")),
    "requests_box:manual_entry": Row("get", no_args, RM),
    "requests_box:unknown_senders": Row("get", no_args, RM),
    "requests_box:quarantine_list": Row("get", no_args, RM),
    "requests_box:quarantine_detail": Row("get", lambda w: {"pk": w["quarantined"].pk}, RM),
    "requests_box:quarantine_raw": Row("get", lambda w: {"pk": w["quarantined"].pk}, RM),
    "requests_box:ignored_list": Row("get", no_args, RM),
    "requests_box:ignored_raw": Row("get", lambda w: {"pk": w["ignored"].pk}, RM),
    # -- committees and relationship follow-up
    "committees:committee_list": Row("get", no_args, ALL),
    "committees:committee_detail": Row("get", lambda w: {"pk": w["committee"].pk}, COMMITTEE_A),
    "committees:committee_plan": Row("post", lambda w: {"pk": w["committee"].pk}, RM),
    "committees:meeting_detail": Row("get", lambda w: {"pk": w["meeting"].pk}, COMMITTEE_A),
    "committees:meeting_record": Row("post", lambda w: {"pk": w["meeting"].pk}, RM),
    "committees:meeting_add_decision": Row("post", lambda w: {"pk": w["meeting"].pk}, RM),
    "committees:meeting_add_action": Row("post", lambda w: {"pk": w["meeting"].pk}, RM),
    "committees:meeting_publish": Row("post", lambda w: {"pk": w["meeting"].pk}, RM),
    "committees:meeting_cancel": Row("post", lambda w: {"pk": w["meeting"].pk}, RM),
    "committees:meeting_invite": Row("post", lambda w: {"pk": w["meeting"].pk}, RM),
    "committees:meeting_ics": Row(
        "get", lambda w: {"pk": w["meeting"].pk}, RM, check=is_download("text/calendar")
    ),
    "committees:meeting_pdf": Row(
        "get", lambda w: {"pk": w["meeting"].pk}, COMMITTEE_A, check=is_download("application/pdf")
    ),
    # The preparation pack holds the directorate's internal figures: relationship managers and the CIO
    # read it; the relationship managers attach it to the meeting.
    "committees:meeting_pack": Row("get", lambda w: {"pk": w["meeting"].pk}, READERS),
    "committees:meeting_pack_pdf": Row(
        "get", lambda w: {"pk": w["meeting"].pk}, READERS, check=is_download("application/pdf")
    ),
    "committees:meeting_pack_attach": Row("post", lambda w: {"pk": w["meeting"].pk}, RM),
    "committees:meeting_pack_file": Row(
        "get", lambda w: {"pk": w["meeting"].pk}, READERS, check=is_download("application/pdf")
    ),
    "committees:my_actions": Row("get", no_args, ALL),
    "committees:action_status": Row(
        "post", lambda w: {"pk": w["action"].pk}, {"relationship_manager", "product_manager"}
    ),
    "committees:not_met": Row("get", no_args, READERS),
    "committees:next_due": Row("get", no_args, READERS),
    "committees:contact_timeline": Row("get", lambda w: {"pk": w["contact_a"].pk}, READERS),
    "committees:record_interaction": Row("post", lambda w: {"pk": w["contact_a"].pk}, RM),
    "committees:entity_timeline": Row("get", lambda w: {"code": "DCOM-GC"}, READERS),
    "committees:project_list": Row("get", no_args, READERS),
    "committees:project_from_request": Row("post", lambda w: {"reference": w["request"].reference}, RM),
    # -- indicators (exports included)
    "kpis:dashboard": Row("get", no_args, DASHBOARD),
    "kpis:directorate": Row("get", lambda w: {"code": "DCOM"}, DASHBOARD),
    "kpis:export_csv": Row("get", no_args, DASHBOARD, check=is_download("text/csv")),
    "kpis:export_pdf": Row("get", no_args, DASHBOARD, check=is_download("application/pdf")),
    "kpis:targets": Row("get", no_args, {"cio"}),
    "kpis:directorate_targets": Row("get", lambda w: {"code": "DCOM"}, {"cio"}),
    "kpis:survey_list": Row("get", no_args, READERS),
    "kpis:survey_follow_ups": Row("get", no_args, RM),
    "kpis:survey_follow_up_done": Row(
        "post", lambda w: {"pk": w["follow_up"].pk}, RM, data={"note": "Rappelé, satisfait."}
    ),
    "kpis:survey_results": Row("get", lambda w: {"code": w["survey"].code}, READERS),
    "kpis:survey_themes": Row("get", lambda w: {"code": w["survey"].code}, READERS),
    "kpis:survey_themes_csv": Row(
        "get", lambda w: {"code": w["survey"].code}, READERS, check=is_download("text/csv")
    ),
    "kpis:survey_export_csv": Row(
        "get", lambda w: {"code": w["survey"].code}, READERS, check=is_download("text/csv")
    ),
    "kpis:survey_export_pdf": Row(
        "get", lambda w: {"code": w["survey"].code}, READERS, check=is_download("application/pdf")
    ),
    "kpis:survey_launch": Row("post", lambda w: {"code": w["barometer"].code}, RM),
    # The one-time link needs no login: its token is the credential, whoever holds it.
    "kpis:survey_answer": Row(
        "get", lambda w: {"token": w["invitation"].token}, PUBLIC, public=True, check=shows_answer_form
    ),
    # -- communication (communications/): campaigns composed and sent by editors and relationship
    # managers, read by the CIO; audiences (client contacts) by the relationship managers only; events
    # open to every employee; the links in the mails need no login (the signed token is the key).
    "communications:campaign_list": Row("get", no_args, COMMS_READERS),
    "communications:campaign_detail": Row("get", lambda w: {"pk": w["campaign"].pk}, COMMS_READERS),
    "communications:campaign_preview": Row("get", lambda w: {"pk": w["campaign"].pk}, COMPOSERS),
    "communications:campaign_send_test": Row("post", lambda w: {"pk": w["campaign"].pk}, COMPOSERS),
    "communications:campaign_queue": Row("post", lambda w: {"pk": w["campaign"].pk}, COMPOSERS),
    "communications:campaign_cancel": Row("post", lambda w: {"pk": w["campaign"].pk}, COMPOSERS),
    "communications:campaign_fill_newsletter": Row("post", lambda w: {"pk": w["campaign"].pk}, COMPOSERS),
    "communications:audience_detail": Row("get", lambda w: {"pk": w["audience"].pk}, RM),
    "communications:audience_exclude": Row("post", lambda w: {"pk": w["audience"].pk}, RM),
    "communications:plan": Row("get", no_args, COMMS_READERS),
    "communications:event_list": Row("get", no_args, ALL),
    "communications:event_detail": Row("get", lambda w: {"pk": w["event"].pk}, ALL),
    # Registering needs a client contact: the others are told so (a redirect, past the check).
    "communications:event_register": Row("post", lambda w: {"pk": w["event"].pk}, ALL),
    # Only a person registered may unregister or download the invitation: user A here.
    "communications:event_unregister": Row("post", lambda w: {"pk": w["event"].pk}, CLIENT_A),
    "communications:event_ics": Row(
        "get", lambda w: {"pk": w["event"].pk}, CLIENT_A, check=is_download("text/calendar")
    ),
    "communications:event_attendance": Row("get", lambda w: {"pk": w["event"].pk}, RM),
    "communications:unsubscribe": Row(
        "get", lambda w: {"token": w["unsubscribe_token"]}, PUBLIC, public=True
    ),
    "communications:click": Row("get", lambda w: {"token": w["click_token"]}, PUBLIC, public=True),
    # -- Wagtail documents: the catalogue's public files (PDF catalogue, posters); any employee.
    "wagtaildocs_serve": Row("get", lambda w: (w["document"].pk, w["document"].filename), ALL),
    # -- a few key back-office screens (Wagtail admin: the roles of directory.roles.ADMIN_ROLES)
    "wagtailadmin_home": Row("get", no_args, {"relationship_manager", "product_manager", "editor"}),
    # The page tree is the catalogue's: editors and product managers (relationship managers use
    # the back office for committees and mail rules, not pages).
    "wagtailadmin_explore_root": Row("get", no_args, {"product_manager", "editor"}),
    "wagtailusers_users:index": Row("get", no_args, set()),
}

# Extra cases: the same URL with other objects, where the rule depends on the object.
EXTRA_CASES = {
    # A service another product manager (here: nobody) manages: not the product manager's clients.
    "catalogue:service_clients[other]": (
        "catalogue:service_clients",
        Row("get", lambda w: {"code": "BROUILLON"}, READERS),
    ),
    # A correspondent of A may not drill down into directorate B.
    "kpis:directorate[B]": ("kpis:directorate", Row("get", lambda w: {"code": "DRH"}, READERS)),
    # A held meeting whose minutes are not published: only the readers of every committee.
    "committees:meeting_detail[unpublished]": (
        "committees:meeting_detail",
        Row("get", lambda w: {"pk": w["unpublished_meeting"].pk}, READERS),
    ),
    # The preparation pack a relationship manager had built: theirs only, not even the CIO's.
    "report[pack]": ("report", Row("get", lambda w: {"token": w["pack_report"].token}, RM)),
    "report_download[pack]": (
        "report_download",
        Row("get", lambda w: {"token": w["pack_report"].token}, RM, check=is_download("application/pdf")),
    ),
    "committees:meeting_pdf[unpublished]": (
        "committees:meeting_pdf",
        Row("get", lambda w: {"pk": w["unpublished_meeting"].pk}, READERS),
    ),
    # A forged unsubscribe or click token opens nothing, for anyone (404).
    "communications:unsubscribe[bad token]": (
        "communications:unsubscribe",
        Row("get", lambda w: {"token": w["unsubscribe_token"][:-4] + "xxxx"}, set(), public=True),
    ),
    "communications:click[bad token]": (
        "communications:click",
        Row("get", lambda w: {"token": w["click_token"][:-4] + "xxxx"}, set(), public=True),
    ),
    # A token that matches no invitation opens nothing, for anyone (404).
    "kpis:survey_answer[bad token]": (
        "kpis:survey_answer",
        Row("get", lambda w: {"token": w["invitation"].token[:-4] + "xxxx"}, set(), public=True),
    ),
    # The product sheet of an unpublished service does not exist for anyone.
    "catalogue:print_sheet[draft]": (
        "catalogue:print_sheet",
        Row("get", lambda w: {"code": "BROUILLON"}, set()),
    ),
    # The draft sheet of a service managed by someone else: editors only.
    "catalogue:print_draft_sheet[other manager]": (
        "catalogue:print_draft_sheet",
        Row("get", lambda w: {"code": "BROUILLON"}, {"editor"}, check=is_download("application/pdf")),
    ),
    # A measure table that does not exist: 404 even for the relationship managers.
    "requests_box:measures_csv[unknown]": (
        "requests_box:measures_csv",
        Row("get", lambda w: {"key": "inconnue"}, set()),
    ),
    # An internal note's attachment: the DSI side only, never the request's author nor correspondent.
    "requests_box:attachment_download[note]": (
        "requests_box:attachment_download",
        Row(
            "get",
            lambda w: {"reference": w["request"].reference, "pk": w["note_attachment"].pk},
            REQUEST_A_DSI,
            check=attachment_is_safe,
        ),
    ),
    # A request of directorate B about no service, given to nobody: its author, the relationship
    # managers and the CIO; not the product manager, not the team member, not directorate A.
    "requests_box:request_detail[B]": (
        "requests_box:request_detail",
        Row(
            "get",
            lambda w: {"reference": w["request_b"].reference},
            {"user_b", "relationship_manager", "cio"},
        ),
    ),
    # Nobody but the relationship managers works it; its author writes on it.
    "requests_box:request_action[B]": (
        "requests_box:request_action",
        Row(
            "post",
            lambda w: {"reference": w["request_b"].reference},
            RM,
            data={"action": "compose", "compose-mode": "note", "compose-text": "Vu."},
        ),
    ),
    "requests_box:client_message[B]": (
        "requests_box:client_message",
        Row(
            "post",
            lambda w: {"reference": w["request_b"].reference},
            {"user_b"},
            data={"message-text": "Et ?"},
        ),
    ),
    # A complaint table that does not exist: 404 for everyone.
    "requests_box:complaint_tables_csv[unknown]": (
        "requests_box:complaint_tables_csv",
        Row("get", lambda w: {"key": "volume"}, set()),
    ),
}

# URLs whose screens are still being built: the rule their code applies, until the row is written.
# Listed here, they pass the completeness check; move each to MATRIX once the feature is merged.
PENDING: dict[str, str] = {}

# URL patterns deliberately left out, with the reason.
EXCLUDED = {
    # Wagtail's page/document password restrictions: the portal creates none (login is required
    # everywhere), so these only answer a form for a restriction that does not exist.
    "wagtaildocs_authenticate_with_password": "no document password restriction exists",
    "wagtailcore_authenticate_with_password": "no page password restriction exists",
    "wagtailcore_login": "Wagtail's login for private pages; the portal has none (see login)",
    # Development only: `static()` serves MEDIA_ROOT when DEBUG is on; production has no such route
    # (see test_production_has_no_media_route).
    None: "DEBUG-only ^media/ route",
}
# Wagtail's back office has ~400 URL patterns of its own, guarded by Wagtail's `admin.access_admin`
# permission and its own per-model permissions; the matrix samples a few key screens above.
ADMIN_PREFIX = "admin/"


def walk(resolver=None, prefix="", namespace=None):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield prefix + str(pattern.pattern), name


def test_every_url_is_classified():
    missing = sorted(
        f"  {route!r}  (name {name!r})"
        for route, name in walk()
        if not route.startswith(ADMIN_PREFIX)
        and name not in MATRIX
        and name not in EXCLUDED
        and name not in PENDING
    )
    assert not missing, (
        "These URLs have no entry in the access matrix of tests/security/test_access_matrix.py.\n"
        "Decide who may open each one and add a Row to MATRIX (or a reason to EXCLUDED):\n"
        + "\n".join(missing)
    )
    stale = sorted(name for name in [*MATRIX, *PENDING] if name not in {n for _r, n in walk()})
    assert not stale, f"MATRIX lists URLs that no longer exist: {stale}"


def test_production_has_no_media_route():
    from tests.test_settings_modes import run_manage

    code = (
        "from django.urls import get_resolver; print([str(p.pattern) for p in get_resolver().url_patterns])"
    )
    result = run_manage(
        "shell",
        "-c",
        code,
        DEBUG="0",
        SECRET_KEY="a-long-random-production-secret-" + "k7Qz" * 12,
        ALLOWED_HOSTS="relais-dsi.groupe-aurelia.fr",
    )
    assert result.returncode == 0, result.stderr
    assert "media" not in result.stdout.strip().splitlines()[-1]


# -- the world every parametrised URL resolves in ------------------------------------------------


@pytest.fixture
def world(
    user_a,
    user_b,
    correspondent_a,
    product_manager,
    team_member,
    support_team,
    relationship_manager,
    cio,
    editor,
    entity_a,
    directorate_a,
):
    from catalogue.models import CatalogueIndexPage, FamilyPage

    index = CatalogueIndexPage.objects.get()
    family = index.add_child(instance=FamilyPage(title="Poste", slug="poste", code="POSTE", colour="#1f4e8c"))
    family.save_revision().publish()
    service = family.add_child(
        instance=ServicePage(
            title="Messagerie", slug="messagerie", code="MAIL", product_manager=product_manager
        )
    )
    service.save_revision().publish()
    # Never published, managed by nobody: its draft sheet is the editors' only.
    draft = family.add_child(
        instance=ServicePage(title="Brouillon", slug="brouillon", code="BROUILLON", live=False)
    )
    draft.save_revision()

    request = box_services.create_request(
        channel="web",
        subject="Accès boîte partagée",
        text="Merci",
        contact=user_a.contact,
        submitted_by=user_a,
        files=[box_services.NewFile("page.html", "text/html", b"<script>alert(1)</script>")],
        acknowledge=False,
    )
    request.kind = "projet"
    request.service = service
    request.team = support_team
    request.save(update_fields=["kind", "service", "team"])
    request_b = box_services.create_request(
        channel="web",
        subject="Badge",
        text="Perdu",
        contact=user_b.contact,
        submitted_by=user_b,
        acknowledge=False,
    )
    attachment = Attachment.objects.get(message__request=request)
    note = request.messages.create(direction="note", text="note interne", sent_at=timezone.now())
    (note_attachment,) = box_services.store_attachments(
        note, [box_services.NewFile("interne.pdf", "application/pdf", b"%PDF-1.4")]
    )
    quarantined = box_services.quarantine_mail(raw=b"Subject: x\r\n\r\nbody", reason="test")
    ignored = box_services.ignore_mail(raw=b"Subject: auto\r\n\r\nbody", reason="auto_reply")

    committee = Committee.objects.create(
        name="Comité DCOM",
        directorate=directorate_a,
        level=Level.TACTIQUE,
        cadence_months=3,
        starts_on=dt.date(2026, 1, 15),
    )
    CommitteeMember.objects.create(committee=committee, contact=user_a.contact)
    when = timezone.now() - dt.timedelta(days=10)
    meeting = Meeting.objects.create(
        committee=committee, scheduled_at=when, status=MeetingStatus.HELD, minutes_published=True
    )
    unpublished = Meeting.objects.create(
        committee=committee, scheduled_at=when - dt.timedelta(days=90), status=MeetingStatus.HELD
    )
    MeetingPack.objects.create(
        meeting=meeting,
        period_start=when - dt.timedelta(days=90),
        period_end=when,
        file=ContentFile(blank_pdf(), name="dossier.pdf"),
    )
    action = committee_services.add_action(
        meeting, title="Faire", owner=product_manager, due_on=timezone.localdate() + dt.timedelta(days=9)
    )
    today = timezone.localdate()
    survey = Survey.objects.create(code="apres-demande", title="Votre avis", kind=SurveyKind.POST_DEMANDE)
    barometer = Survey.objects.create(
        code="barometre",
        title="Baromètre",
        kind=SurveyKind.BAROMETRE,
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=30),
    )
    invitations = [
        SurveyInvitation.objects.create(
            survey=survey,
            contact=contact,
            entity=contact.entity,
            request=request,
            token=survey_services.new_token(),
            status=InvitationStatus.SENT,
            due_at=timezone.now(),
            sent_at=timezone.now(),
            expires_at=timezone.now() + dt.timedelta(days=30),
        )
        for contact in (user_a.contact, user_b.contact)
    ]
    # A low score: an answer in the results, and a follow-up for the relationship managers.
    outcome, answer = survey_services.submit_answer(token=invitations[1].token, nps=2, csat=1, comment="Lent")
    assert outcome == "saved" and answer.follow_up
    from communications import events as comms_events
    from communications import unsubscribe as comms_unsubscribe
    from communications.mail import click_url
    from communications.models import Audience, Campaign, Delivery, Event

    audience = Audience.objects.create(name="Commerciale")
    audience.directorates.add(directorate_a)
    campaign = Campaign.objects.create(
        title="Annonce", subject="Bonjour", intro="Du nouveau", audience=audience
    )
    delivery = Delivery.objects.create(campaign=campaign, contact=user_a.contact, email=user_a.contact.email)
    event = Event.objects.create(
        title="Techday",
        starts_at=timezone.now() + dt.timedelta(days=20),
        ends_at=timezone.now() + dt.timedelta(days=20, hours=2),
        seats=50,
    )
    comms_events.register(event=event, contact=user_a.contact)
    report = GeneratedReport.objects.create(
        owner=cio, kind="kpis_dashboard", key="*:quarter:2026-07-01:2026-10-01", version="v",
        parameters={"scope": "", "period": "quarter", "start": "2026-07-01", "end": "2026-10-01"},
        status="ready", progress=100, file=ContentFile(blank_pdf(), name="indicateurs.pdf"),
        file_name="indicateurs.pdf",
    )  # fmt: skip
    pack_report = GeneratedReport.objects.create(
        owner=relationship_manager, kind="committee_pack", key=f"meeting:{meeting.pk}", version="v",
        parameters={"meeting": meeting.pk}, status="ready", progress=100,
        file=ContentFile(blank_pdf(), name="dossier.pdf"), file_name="dossier.pdf",
    )  # fmt: skip
    document = get_document_model()(title="Catalogue PDF")
    document.file.save("catalogue.pdf", ContentFile(b"%PDF-1.4 catalogue"), save=True)
    return {
        "users": {
            "anonymous": AnonymousUser(),
            "user_a": user_a,
            "user_b": user_b,
            "correspondent_a": correspondent_a,
            "product_manager": product_manager,
            "team_member": team_member,
            "relationship_manager": relationship_manager,
            "cio": cio,
            "editor": editor,
        },
        "service_path": service.url.strip("/") + "/",
        "request": request,
        "request_b": request_b,
        "attachment": attachment,
        "note_attachment": note_attachment,
        "quarantined": quarantined,
        "ignored": ignored,
        "committee": committee,
        "meeting": meeting,
        "report": report,
        "pack_report": pack_report,
        "unpublished_meeting": unpublished,
        "action": action,
        "contact_a": user_a.contact,
        "document": document,
        "survey": survey,
        "barometer": barometer,
        "invitation": invitations[0],
        "follow_up": answer.follow_up,
        "campaign": campaign,
        "audience": audience,
        "event": event,
        "unsubscribe_token": comms_unsubscribe.make_token(user_a.contact.pk, "annonce"),
        "click_token": click_url(delivery.pk, "http://localhost:8000/catalogue/")
        .rstrip("/")
        .rsplit("/", 1)[1],
    }


def outcome(response, url) -> str:
    if response.status_code in (401, 403, 404):
        return "deny"
    if url.startswith("/admin/") and response.status_code == 302:
        # Wagtail refuses by sending to its login page (no admin access) or to the admin home.
        location = response["Location"]
        if location.startswith("/admin/login/") or (location == "/admin/" and url != "/admin/"):
            return "deny"
    if response.status_code == 405:
        return "wrong-method"
    if response.status_code in (301, 302) and response["Location"].startswith(reverse("login")):
        return "login"
    if response.status_code >= 500:
        return f"error {response.status_code}"
    return "allow"  # 200, a redirect after a POST, a 400 form error: past the permission check


def _run(world, name, row):
    params = row.kwargs(world)  # a dict of keyword arguments, or a tuple for positional ones
    url = (
        reverse(name, args=params) if isinstance(params, tuple) else reverse(name, kwargs=params)
    ) + row.query
    problems = []
    for role in ROLES:
        client = Client(raise_request_exception=False)
        user = world["users"][role]
        if role != "anonymous":
            client.force_login(user)
        # Every role on the same objects: undo what a POST changed before the next role.
        sid = transaction.savepoint()
        try:
            response = getattr(client, row.method)(url, row.data)
            got = outcome(response, url)
            if row.ends_on_login and got == "login":
                got = "allow"
            if role == "anonymous" and not row.public:
                expected = "login"
            else:
                expected = "allow" if role in row.allowed else "deny"
            if got != expected:
                problems.append(f"{role:22} expected {expected:6} got {got} ({response.status_code})")
            elif got == "allow" and row.check and response.status_code == 200:
                try:
                    row.check(response)
                except AssertionError as exc:
                    problems.append(f"{role:22} unsafe response: {exc}")
        finally:
            transaction.savepoint_rollback(sid)
    return url, problems


CASES = {name: (name, row) for name, row in MATRIX.items()} | EXTRA_CASES


@pytest.mark.django_db
@pytest.mark.parametrize("case", sorted(CASES))
def test_access(world, case):
    name, row = CASES[case]
    url, problems = _run(world, name, row)
    assert not problems, f"{row.method.upper()} {url}\n" + "\n".join(problems)
