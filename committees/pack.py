"""A committee meeting's preparation pack: the directorate's figures since the last meeting of the same
committee, its open and late requests, complaints, survey results, projects, the actions carried over
and the services to suggest. Read-only, in a fixed number of queries whatever the amount of data."""

import hashlib
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path

from django.db.models import Count, F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from committees.cadence import add_months
from committees.models import Action, ActionStatus, Meeting, MeetingStatus, Project
from directory.models import Directorate, Entity
from directory.portfolio import LIVE_PROJECT_STATUSES
from directory.satisfaction import satisfaction_of
from directory.selectors import relationship_manager_for
from directory.usage import DirectorateSuggestion, suggestions_for_directorate
from home.reports import ReportKind
from kpis.coverage import entities_in_company_on
from kpis.models import SurveyAnswer
from requests_box.models import FINISHED, Kind, Request, Status

# Lists are capped so that the pack stays a few pages long whatever the volume (the counts are complete).
REQUESTS_LISTED = 30
COMPLAINTS_LISTED = 30
COMMENTS_LISTED = 20


@dataclass
class Pack:
    meeting: Meeting
    directorate: Directorate
    previous: Meeting | None
    start: datetime
    end: datetime
    relationship_manager: object
    figures: dict
    open_requests: list[Request]
    complaints: list[Request]
    complaint_statuses: list[tuple[str, int]]
    satisfaction: dict
    comments: list[SurveyAnswer]
    projects: list[Project]
    actions: list[Action]
    suggestions: list[DirectorateSuggestion]
    entity_count: int
    built_at: datetime

    @property
    def listed_requests_capped(self) -> bool:
        return self.figures["open"] > len(self.open_requests)


def period_of(meeting: Meeting) -> tuple[Meeting | None, datetime, datetime]:
    """From the last earlier meeting of the committee (not cancelled), or one cadence before, to the
    meeting itself, or now when the meeting is still to come."""
    previous = (
        Meeting.objects.filter(committee_id=meeting.committee_id, scheduled_at__lt=meeting.scheduled_at)
        .exclude(status=MeetingStatus.CANCELLED)
        .order_by("-scheduled_at")
        .first()
    )
    if previous is not None:
        start = previous.scheduled_at
    else:
        day = add_months(meeting.local_date, -meeting.committee.cadence_months)
        start = timezone.make_aware(datetime.combine(day, time.min))
    return previous, start, min(meeting.scheduled_at, timezone.now())


def _figures(requests, start: datetime, end: datetime, now: datetime) -> dict:
    received = Q(received_at__gte=start, received_at__lt=end)
    resolved = Q(resolved_at__gte=start, resolved_at__lt=end)
    running = ~Q(status__in=FINISHED)
    return requests.aggregate(
        received=Count("id", filter=received),
        resolved=Count("id", filter=resolved),
        resolved_late=Count("id", filter=resolved & Q(resolved_at__gt=F("deadline"))),
        complaints=Count("id", filter=received & Q(kind=Kind.RECLAMATION)),
        projects=Count("id", filter=received & Q(kind=Kind.PROJET)),
        open=Count("id", filter=running),
        late=Count("id", filter=running & Q(deadline__lt=now) & ~Q(status=Status.WAITING_CLIENT)),
    )


def build_pack(meeting: Meeting) -> Pack:
    now = timezone.now()
    directorate = meeting.committee.directorate
    previous, start, end = period_of(meeting)
    requests = Request.objects.filter(entity__directorate=directorate)
    in_period = Q(received_at__gte=start, received_at__lt=end)
    complaints = requests.filter(kind=Kind.RECLAMATION).filter(in_period | ~Q(status__in=FINISHED))
    labels = dict(Status.choices)
    statuses = (
        complaints.values("status")
        .annotate(n=Count("id"))
        .order_by("-n", "status")
        .values_list("status", "n")
    )
    answers = SurveyAnswer.objects.filter(
        entity__directorate=directorate, answered_at__gte=start, answered_at__lt=end
    )
    entities = list(Entity.objects.filter(entities_in_company_on(now.date()), directorate=directorate))
    start_day, end_day = timezone.localdate(start), timezone.localdate(end)
    projects = (
        Project.objects.filter(entity__directorate=directorate)
        .filter(
            Q(status__in=LIVE_PROJECT_STATUSES)
            | Q(created_on__gte=start_day, created_on__lte=end_day)
            | Q(signed_on__gte=start_day, signed_on__lte=end_day)
        )
        .select_related("entity", "service")
        .order_by("-created_on", "code")
    )
    actions = (
        Action.objects.filter(
            meeting__committee_id=meeting.committee_id, meeting__scheduled_at__lt=meeting.scheduled_at
        )
        .filter(Q(status=ActionStatus.OPEN) | Q(closed_on__gte=start_day))
        .select_related("owner", "meeting", "service", "project")
        .order_by("-status", "due_on", "id")
    )
    return Pack(
        meeting=meeting,
        directorate=directorate,
        previous=previous,
        start=start,
        end=end,
        relationship_manager=relationship_manager_for(directorate),
        figures=_figures(requests, start, end, now),
        open_requests=list(
            requests.exclude(status__in=FINISHED)
            .select_related("entity", "service", "assignee")
            .order_by("deadline", "pk")[:REQUESTS_LISTED]
        ),
        complaints=list(
            complaints.select_related("entity", "service", "cause").order_by("-received_at")[
                :COMPLAINTS_LISTED
            ]
        ),
        complaint_statuses=[(labels.get(status, status), n) for status, n in statuses],
        satisfaction=satisfaction_of(answers),
        comments=list(
            answers.exclude(comment="")
            .select_related("entity", "survey")
            .order_by("-answered_at")[:COMMENTS_LISTED]
        ),
        projects=list(projects),
        actions=list(actions),
        suggestions=suggestions_for_directorate(entities),
        entity_count=len(entities),
        built_at=now,
    )


# --- the pack's PDF, built in the background (home/reports.py) ---------------------------------------


def _meeting(params: dict) -> Meeting:
    return Meeting.objects.select_related("committee__directorate").get(pk=params["meeting"])


def _check(user, params: dict) -> None:
    """The pack holds the directorate's internal figures: relationship managers and the CIO only."""
    from committees import access

    access.require_reader(user)
    access.access_meeting(user, params["meeting"])


def _version(params: dict) -> str:
    """The data the pack shows: the indicators' data (requests, answers, projects, entities… each change
    is a DataChange), the committee's meetings and actions, and the day (lateness moves with it)."""
    from kpis.freshness import last_change

    meeting = _meeting(params)
    committee = meeting.committee
    meetings = Meeting.objects.filter(committee_id=committee.pk).order_by("pk")
    actions = Action.objects.filter(meeting__committee_id=committee.pk).order_by("pk")
    state = (
        (committee.name, committee.level, committee.cadence_months, committee.directorate_id),
        list(meetings.values_list("pk", "scheduled_at", "status")),
        list(
            actions.values_list(
                "pk", "title", "status", "due_on", "closed_on", "owner_id", "service_id", "project_id"
            )
        ),
    )
    digest = hashlib.sha256(repr(state).encode()).hexdigest()[:24]
    return f"{last_change().isoformat()}|{timezone.localdate()}|{digest}"


def _title(params: dict) -> str:
    meeting = _meeting(params)
    return _("Preparation pack (PDF) · %(committee)s, %(date)s") % {
        "committee": meeting.committee.name,
        "date": date_format(meeting.local_date, "j F Y"),
    }


def _html(pack: Pack) -> str:
    from committees.printing import pack_html

    return pack_html(pack)


def _attach(report) -> None:
    from committees.services import attach_pack

    attach_pack(_meeting(report.parameters), author=report.owner, report=report)


def _file_name(params: dict) -> str:
    from committees.services import pack_file_name

    return pack_file_name(_meeting(params))


PACK_PDF = ReportKind(
    name="committee_pack",
    title=_title,
    check=_check,
    key=lambda params: f"meeting:{params['meeting']}",
    version=_version,
    gather=lambda params: build_pack(_meeting(params)),
    html=_html,
    stylesheet=Path(__file__).resolve().parent / "print" / "minutes.css",
    file_name=_file_name,
    back_url=lambda params: reverse("committees:meeting_pack", args=[params["meeting"]]),
    follow_ups={"attach": _attach},
)
