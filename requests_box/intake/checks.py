"""Intake's checks on who writes: an unverified sender, and who may reply into a request's thread.

Both paths of intake (one mail, a batch) ask these functions, so the rules live in one place
(MAIL.md, "Unverified sender" and "Replies into a thread").
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.db.models.functions import Lower

from directory.roles import CIO, EDITORS, PRODUCT_MANAGERS, RELATIONSHIP_MANAGERS
from requests_box.intake.authresults import failed_checks
from requests_box.intake.parse import ParsedMail
from requests_box.models import Participant, Request

# The roles held by members of the DSI (a business user holds none of them).
DSI_ROLES = (RELATIONSHIP_MANAGERS, PRODUCT_MANAGERS, CIO, EDITORS)


def internal_domains() -> set[str]:
    """The company's mail domains: settings.MAIL_INTERNAL_DOMAINS, else the mailbox address's domain."""
    configured = [d.strip().lower().lstrip("@") for d in settings.MAIL_INTERNAL_DOMAINS if d.strip()]
    if configured:
        return set(configured)
    own = settings.MAILBOX_ADDRESS.rsplit("@", 1)
    return {own[1].lower()} if len(own) == 2 else set()


def is_internal(address: str, domains: set[str] | None = None) -> bool:
    """An address of one of the company's domains or of a subdomain of one."""
    if "@" not in address:
        return False
    domain = address.rsplit("@", 1)[1].lower()
    domains = internal_domains() if domains is None else domains
    return any(domain == d or domain.endswith("." + d) for d in domains)


def unverified_reason(parsed: ParsedMail) -> str:
    """Why the sender is not verified ("dmarc=fail, spf=fail"), or "": a mail claiming an internal domain
    that a trusted receiving server (settings.MAIL_TRUSTED_AUTHSERV_IDS) says failed DMARC or SPF."""
    trusted = settings.MAIL_TRUSTED_AUTHSERV_IDS
    if not trusted or not parsed.auth_results or not is_internal(parsed.from_email):
        return ""
    return ", ".join(failed_checks(parsed.auth_results, trusted))


def thread_addresses(parsed: ParsedMail) -> set[str]:
    """The addresses a mail makes participants of its thread: its sender, its To and Cc (ours aside)."""
    own = settings.MAILBOX_ADDRESS.lower()
    found = {parsed.from_email, *parsed.to_addresses, *parsed.cc_addresses}
    return {a[:254] for a in found if a and a != own}


def dsi_addresses(addresses: set[str]) -> set[str]:
    """Which of these addresses belong to active members of the DSI: staff, a DSI role, or a team."""
    if not addresses:
        return set()
    is_dsi = (
        Q(is_superuser=True)
        | Q(is_staff=True)
        | Q(groups__name__in=DSI_ROLES)
        | Q(request_teams__isnull=False)
    )
    rows = (
        get_user_model()
        .objects.annotate(address=Lower("email"))
        .filter(is_dsi, is_active=True, address__in={a.lower() for a in addresses})
        .values_list("address", flat=True)
        .distinct()
    )
    return set(rows)


class ThreadGate:
    """Who may reply into which request: its requester, its participants, members of the DSI.

    Loaded for many requests and senders at once (two queries); `admit` also records, in memory, the
    addresses a reply brings, for the next replies of the same batch."""

    def __init__(self, requests: list[Request], senders: set[str]):
        self.allowed: dict[int, set[str]] = {}
        for request in requests:
            known = {request.sender_email.lower()} if request.sender_email else set()
            if request.contact_id is not None and request.contact is not None:
                known.add(request.contact.email.lower())
            self.allowed[request.pk] = known
        if requests:
            rows = Participant.objects.filter(request__in=[r.pk for r in requests]).values_list(
                "request_id", "email"
            )
            for request_id, address in rows:
                self.allowed[request_id].add(address)
        self.dsi = dsi_addresses(senders)

    def may_reply(self, request: Request, sender: str) -> bool:
        return sender in self.dsi or sender in self.allowed.get(request.pk, ())

    def admit(self, request: Request, parsed: ParsedMail) -> None:
        self.allowed.setdefault(request.pk, set()).update(thread_addresses(parsed))


def record_participants(request: Request, addresses: set[str]) -> None:
    """Store the addresses of a thread (duplicates ignored)."""
    Participant.objects.bulk_create(
        [Participant(request=request, email=a) for a in sorted(addresses)], ignore_conflicts=True
    )
