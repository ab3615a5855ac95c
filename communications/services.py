"""State changes of campaigns: check, queue, send in batches, cancel, count a click, fill a newsletter.

A campaign is checked whole before anything is queued (empty audience, bad addresses, merge-field
errors, unpublished pages): on any problem nothing is queued, and the problems are said in French.
Queueing writes one `Delivery` per recipient in chunks (never all recipients in memory) in the same
transaction as the status change, then the worker sends batches at the configured rate.
"""

import datetime as dt
import logging
import smtplib
import socket

from django.conf import settings
from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from communications import audiences
from communications.mail import Content, build_message, campaign_content, check_merge_fields
from communications.models import (
    Campaign,
    CampaignStatus,
    Click,
    Delivery,
    DeliveryStatus,
    Unsubscription,
)

logger = logging.getLogger("relais.communications")


class CampaignError(Exception):
    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def check_campaign(campaign: Campaign) -> list[str]:
    """Every reason not to send the campaign, in French; empty when it may go."""
    problems = []
    if campaign.status != CampaignStatus.DRAFT:
        problems.append(_("This campaign has already been queued."))
    if not campaign.subject.strip():
        problems.append(_("The e-mail has no subject."))
    problems += check_merge_fields(campaign.subject) + check_merge_fields(campaign.intro)
    content = campaign_content(campaign)
    for title in content.unpublished:
        problems.append(
            _("“%(title)s” is not published: its link would lead nowhere. Publish it or remove it.")
            % {"title": title}
        )
    if not (campaign.intro.strip() or content.services or content.news or content.leaflet_url):
        problems.append(_("The e-mail is empty: write an introduction or choose catalogue content."))
    if campaign.audience_id is None:
        problems.append(_("Choose an audience."))
        return problems
    summary = audiences.summarise(campaign.audience, kind=campaign.kind)
    if summary.size == 0:
        problems.append(_("The audience reaches nobody (after exclusions and unsubscriptions)."))
    if summary.invalid_count:
        names = ", ".join(f"{c.full_name} ({c.email or _('no e-mail')})" for c in summary.invalid)
        problems.append(
            ngettext(
                "%(count)d contact has no valid e-mail address: %(names)s. Correct it in the directory "
                "or exclude it from the audience.",
                "%(count)d contacts have no valid e-mail address: %(names)s. Correct them in the "
                "directory or exclude them from the audience.",
                summary.invalid_count,
            )
            % {"count": summary.invalid_count, "names": names}
        )
    return problems


def send_test(campaign: Campaign, *, user, contact=None) -> str:
    """The campaign as `contact` (default: the first member) sent to the user's own address."""
    if not audiences.is_valid_address(user.email):
        raise CampaignError([_("Your account has no valid e-mail address to receive the test.")])
    problems = check_merge_fields(campaign.subject) + check_merge_fields(campaign.intro)
    if problems:
        raise CampaignError(problems)
    if contact is None and campaign.audience_id:
        contact = audiences.members(campaign.audience).select_related("entity__directorate").first()
    if contact is None:
        raise CampaignError([_("The audience reaches nobody: there is no one to preview the e-mail as.")])
    build_message(campaign, contact, to=user.email, test=True).send()
    return user.email


def queue_campaign(campaign: Campaign, *, user=None) -> int:
    """Check, then write the deliveries and enqueue the sending; returns the number of recipients."""
    from communications.tasks import send_campaign

    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        problems = check_campaign(campaign)
        if problems:
            raise CampaignError(problems)
        now = timezone.now()
        count = _insert_deliveries(campaign, audiences.members(campaign.audience, kind=campaign.kind))
        campaign.status = CampaignStatus.SCHEDULED
        campaign.queued_at = now
        campaign.recipients = count
        campaign.save(update_fields=["status", "queued_at", "recipients"])
        start = campaign.scheduled_at if campaign.scheduled_at and campaign.scheduled_at > now else None
        transaction.on_commit(lambda: _enqueue(send_campaign, campaign.pk, start))
    logger.info("campaign %s queued for %d recipients", campaign.pk, count)
    return count


def _insert_deliveries(campaign: Campaign, recipients) -> int:
    """One delivery per recipient in a single INSERT … SELECT: nothing goes through Python memory,
    and a row already there (unique campaign, contact) is left as it is. (`WHERE 1 = 1`: SQLite's
    parser needs a WHERE before ON CONFLICT in an INSERT … SELECT.)"""
    sql, params = recipients.values(recipient_id=F("pk"), recipient_email=F("email")).query.sql_with_params()
    table = connection.ops.quote_name(Delivery._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (campaign_id, contact_id, email, status, attempts, error) "  # noqa: S608 - no user text: the ORM's own SQL and quoted names
            f"SELECT %s, r.recipient_id, r.recipient_email, %s, 0, '' FROM ({sql}) r "
            "WHERE 1 = 1 ON CONFLICT DO NOTHING",
            [campaign.pk, DeliveryStatus.PENDING, *params],
        )
    return Delivery.objects.filter(campaign=campaign).count()


def _enqueue(task, campaign_id: int, run_after: dt.datetime | None) -> None:
    if run_after is not None and task.get_backend().supports_defer:
        task.using(run_after=run_after).enqueue(campaign_id)
    else:
        task.enqueue(campaign_id)


def cancel_campaign(campaign: Campaign) -> int:
    """Stop a campaign: what was not sent yet is not sent. Returns the number of mails not sent."""
    with transaction.atomic():
        updated = Campaign.objects.filter(
            pk=campaign.pk,
            status__in=[CampaignStatus.DRAFT, CampaignStatus.SCHEDULED, CampaignStatus.SENDING],
        ).update(status=CampaignStatus.CANCELLED, finished_at=timezone.now())
        if not updated:
            return 0
        return Delivery.objects.filter(campaign=campaign, status=DeliveryStatus.PENDING).delete()[0]


_TEMPORARY = (smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError, ConnectionError, socket.timeout)


def _is_temporary(exc: Exception) -> bool:
    if isinstance(exc, _TEMPORARY):
        return True
    code = getattr(exc, "smtp_code", None)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [c for c, _m in exc.recipients.values()]
        return bool(codes) and all(400 <= c < 500 for c in codes)
    return isinstance(code, int) and 400 <= code < 500


def send_next_batch(campaign_id: int, *, now: dt.datetime | None = None) -> dict:
    """Send up to one batch of the campaign's waiting deliveries; returns what it did and what is next.

    Each delivery is claimed (pending → sending, one conditional UPDATE) before its mail leaves, so
    two workers, or a worker restarted after a crash, never send it twice; a row left "sending" by a
    lost worker stays so (counted as uncertain) rather than risk a second mail."""
    now = now or timezone.now()
    campaign = Campaign.objects.select_related("audience").filter(pk=campaign_id).first()
    if campaign is None or campaign.status not in (CampaignStatus.SCHEDULED, CampaignStatus.SENDING):
        return {"sent": 0, "next": None}
    if campaign.status == CampaignStatus.SCHEDULED:
        Campaign.objects.filter(pk=campaign.pk, status=CampaignStatus.SCHEDULED).update(
            status=CampaignStatus.SENDING
        )
    batch_size = settings.COMMUNICATIONS_BATCH_SIZE
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    batch = list(
        Delivery.objects.filter(due, campaign=campaign, status=DeliveryStatus.PENDING)
        .select_related("contact__entity__directorate")
        .order_by("pk")[:batch_size]
    )
    content = campaign_content(campaign) if batch else Content()
    unsubscribed = set(
        Unsubscription.objects.filter(
            kind=campaign.kind, contact_id__in=[d.contact_id for d in batch]
        ).values_list("contact_id", flat=True)
    )
    sent = 0
    connection = get_connection() if batch else None
    if connection is not None:
        connection.open()  # one SMTP session for the batch
    try:
        for delivery in batch:
            if not Delivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.PENDING).update(
                status=DeliveryStatus.SENDING, claimed_at=timezone.now(), attempts=F("attempts") + 1
            ):
                continue  # another worker has it
            sent += _send_one(campaign, delivery, content, connection, delivery.contact_id in unsubscribed)
    finally:
        if connection is not None:
            connection.close()
    next_run, due_now = _next_run(campaign, now, len(batch))
    return {"sent": sent, "next": next_run, "due_now": due_now}


def _send_one(campaign, delivery, content, connection, unsubscribed: bool) -> int:
    if unsubscribed:  # unsubscribed after the campaign was queued: respected until the last minute
        Delivery.objects.filter(pk=delivery.pk).update(status=DeliveryStatus.SKIPPED)
        return 0
    message = build_message(
        campaign, delivery.contact, content=content, delivery_id=delivery.pk, to=delivery.email
    )
    message.connection = connection
    try:
        message.send()
    except Exception as exc:
        attempts = delivery.attempts + 1
        if _is_temporary(exc) and attempts < settings.COMMUNICATIONS_MAX_ATTEMPTS:
            delay = dt.timedelta(seconds=settings.COMMUNICATIONS_RETRY_SECONDS * attempts)
            Delivery.objects.filter(pk=delivery.pk).update(
                status=DeliveryStatus.PENDING,
                next_attempt_at=timezone.now() + delay,
                error=f"{type(exc).__name__}: {exc}"[:300],
            )
            connection.close()  # a fresh connection for the next one
        else:
            Delivery.objects.filter(pk=delivery.pk).update(
                status=DeliveryStatus.FAILED, error=f"{type(exc).__name__}: {exc}"[:300]
            )
        logger.warning("campaign %s delivery %s: %s", campaign.pk, delivery.pk, type(exc).__name__)
        return 0
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), error=""
    )
    return 1


def _next_run(campaign: Campaign, now: dt.datetime, batch_len: int) -> tuple[dt.datetime | None, bool]:
    """When the next batch may start (the rate limit), or None when the campaign is finished; and
    whether deliveries are due already (rather than only retries later)."""
    waiting = Delivery.objects.filter(campaign=campaign, status=DeliveryStatus.PENDING)
    if not waiting.exists():
        Campaign.objects.filter(pk=campaign.pk, status=CampaignStatus.SENDING).update(
            status=CampaignStatus.SENT, finished_at=timezone.now()
        )
        return None, False
    pause = dt.timedelta(seconds=60 * max(batch_len, 1) / settings.COMMUNICATIONS_RATE_PER_MINUTE)
    retry_at = (
        waiting.filter(next_attempt_at__gt=now)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    has_due = waiting.filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)).exists()
    return (now + pause if has_due or retry_at is None else max(retry_at, now + pause)), has_due


def record_click(delivery_id: int, url: str) -> bool:
    if not Delivery.objects.filter(pk=delivery_id).exists():
        return False
    Click.objects.create(delivery_id=delivery_id, url=url[:500])
    return True


def fill_newsletter(campaign: Campaign) -> int:
    """Add to a newsletter the news published since the last newsletter was queued; returns how many."""
    from catalogue.models import CatalogueNewsPage

    last = (
        Campaign.objects.filter(kind=campaign.kind, queued_at__isnull=False)
        .exclude(pk=campaign.pk)
        .order_by("-queued_at")
        .values_list("queued_at", flat=True)
        .first()
    )
    news = CatalogueNewsPage.objects.live()
    if last:
        news = news.filter(first_published_at__gt=last)
    ids = list(news.values_list("pk", flat=True))
    campaign.news_pages.add(*ids)
    return len(ids)


def campaign_measures(campaign_ids: list[int]) -> dict[int, dict]:
    """Per campaign: recipients by status, unsubscriptions through it, clicks and clickers (3 queries)."""
    counts = {
        row["campaign_id"]: row
        for row in Delivery.objects.filter(campaign_id__in=campaign_ids)
        .values("campaign_id")
        .annotate(
            total=Count("pk"),
            pending=Count("pk", filter=Q(status=DeliveryStatus.PENDING)),
            sending=Count("pk", filter=Q(status=DeliveryStatus.SENDING)),
            delivered=Count("pk", filter=Q(status__in=[DeliveryStatus.SENT, DeliveryStatus.BOUNCED])),
            bounced=Count("pk", filter=Q(status=DeliveryStatus.BOUNCED)),
            failed=Count("pk", filter=Q(status=DeliveryStatus.FAILED)),
            skipped=Count("pk", filter=Q(status=DeliveryStatus.SKIPPED)),
        )
    }
    unsubscribed = dict(
        Unsubscription.objects.filter(campaign_id__in=campaign_ids)
        .values("campaign_id")
        .annotate(n=Count("pk"))
        .values_list("campaign_id", "n")
    )
    clicks = {
        row["delivery__campaign_id"]: row
        for row in Click.objects.filter(delivery__campaign_id__in=campaign_ids)
        .values("delivery__campaign_id")
        .annotate(clicks=Count("pk"), clickers=Count("delivery_id", distinct=True))
    }
    empty = dict.fromkeys(("total", "pending", "sending", "delivered", "bounced", "failed", "skipped"), 0)
    result = {}
    for cid in campaign_ids:
        row = {**empty, **{k: v for k, v in counts.get(cid, {}).items() if k != "campaign_id"}}
        row["delivered"] -= row["bounced"]
        row["unsubscribed"] = unsubscribed.get(cid, 0)
        row["clicks"] = clicks.get(cid, {}).get("clicks", 0)
        row["clickers"] = clicks.get(cid, {}).get("clickers", 0)
        done = row["total"] - row["pending"]
        row["progress"] = round(100 * done / row["total"]) if row["total"] else 0
        result[cid] = row
    return result
