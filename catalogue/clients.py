"""A service's clients, for its product manager (and the relationship managers and the CIO): the
client database shared with the relationship manager (seed 003). Fixed number of queries."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from catalogue.models import ServicePage
from directory.models import Contact, Directorate, Entity
from directory.roles import CIO, PRODUCT_MANAGERS, RELATIONSHIP_MANAGERS, has_role
from directory.satisfaction import satisfaction_of
from kpis.coverage import active_on, entities_in_company_on
from kpis.models import Subscription, SurveyAnswer
from requests_box.models import FINISHED, Kind, Request, Status

# The window of the request and survey figures: the last twelve months.
WINDOW_DAYS = 365
LISTED = 20  # complaints and survey comments listed
CONTACTS_LISTED = 100


def reads_every_service(user) -> bool:
    return has_role(user, RELATIONSHIP_MANAGERS, CIO)


def may_see_clients(user, service: ServicePage) -> bool:
    """The service's own product manager, the relationship managers and the CIO."""
    if reads_every_service(user):
        return True
    return has_role(user, PRODUCT_MANAGERS) and service.product_manager_id == user.pk


def services_for_clients_list(user) -> QuerySet[ServicePage]:
    """The services whose clients the user may see: all for readers, their own for a product manager."""
    services = ServicePage.objects.select_related("product_manager").order_by("title")
    if reads_every_service(user):
        return services
    if has_role(user, PRODUCT_MANAGERS):
        return services.filter(product_manager=user)
    raise PermissionDenied


def access_service(user, code: str) -> ServicePage:
    service = get_object_or_404(ServicePage.objects.select_related("product_manager"), code=code)
    if not may_see_clients(user, service):
        raise PermissionDenied
    return service


def subscribed_counts(service_ids: list[int], today: date) -> dict[int, int]:
    rows = (
        Subscription.objects.filter(
            active_on(today), entities_in_company_on(today, "entity__"), service_id__in=service_ids
        )
        .values("service_id")
        .annotate(n=Count("entity_id", distinct=True))
        .order_by()
    )
    return {row["service_id"]: row["n"] for row in rows}


@dataclass
class DirectorateCoverage:
    directorate: Directorate
    entities: int
    subscribed: int

    @property
    def pct(self) -> float | None:
        return None if self.entities == 0 else round(self.subscribed * 100 / self.entities, 1)


@dataclass
class ServiceClients:
    service: ServicePage
    subscriptions: list[Subscription]
    coverage: list[DirectorateCoverage]
    requests: dict
    complaints: list[Request]
    satisfaction: dict
    answers: list[SurveyAnswer]
    contacts: list[Contact]
    contact_count: int
    since: date
    company: DirectorateCoverage = field(init=False)

    def __post_init__(self):
        self.company = DirectorateCoverage(
            None, sum(c.entities for c in self.coverage), sum(c.subscribed for c in self.coverage)
        )


def service_clients(service: ServicePage, *, today: date | None = None) -> ServiceClients:
    today = today or timezone.localdate()
    now = timezone.now()
    since = today - timedelta(days=WINDOW_DAYS)
    start = now - timedelta(days=WINDOW_DAYS)
    subscriptions = list(
        Subscription.objects.filter(
            active_on(today), entities_in_company_on(today, "entity__"), service=service
        )
        .select_related("entity__directorate")
        .order_by("entity__directorate__name", "entity__name", "start")
    )
    entity_ids = sorted({s.entity_id for s in subscriptions})
    in_company = dict(
        Entity.objects.filter(entities_in_company_on(today))
        .values("directorate_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("directorate_id", "n")
    )
    subscribed: dict[int, set[int]] = {}
    for subscription in subscriptions:
        subscribed.setdefault(subscription.entity.directorate_id, set()).add(subscription.entity_id)
    coverage = [
        DirectorateCoverage(d, in_company.get(d.pk, 0), len(subscribed.get(d.pk, ())))
        for d in Directorate.objects.order_by("name")
    ]
    of_service = Request.objects.filter(service=service)
    running = ~Q(status__in=FINISHED)
    late = running & Q(deadline__lt=now) & ~Q(status=Status.WAITING_CLIENT)
    is_complaint = Q(kind=Kind.RECLAMATION)
    requests = of_service.aggregate(
        received=Count("id", filter=Q(received_at__gte=start)),
        open=Count("id", filter=running),
        late=Count("id", filter=late),
        complaints=Count("id", filter=is_complaint & Q(received_at__gte=start)),
        open_complaints=Count("id", filter=is_complaint & running),
    )
    complaints = list(
        of_service.filter(is_complaint)
        .select_related("entity__directorate", "cause")
        .order_by("-received_at")[:LISTED]
    )
    answers_about = SurveyAnswer.objects.filter(request__service=service)
    satisfaction = satisfaction_of(answers_about.filter(answered_at__gte=start))
    answers = list(
        answers_about.select_related("contact", "entity__directorate", "request").order_by(
            "-answered_at", "-pk"
        )[:LISTED]
    )
    contacts = Contact.objects.filter(entity_id__in=entity_ids, is_active=True)
    return ServiceClients(
        service=service,
        subscriptions=subscriptions,
        coverage=coverage,
        requests=requests,
        complaints=complaints,
        satisfaction=satisfaction,
        answers=answers,
        contacts=list(
            contacts.select_related("entity").order_by("entity__name", "role", "last_name")[:CONTACTS_LISTED]
        ),
        contact_count=contacts.count(),
        since=since,
    )
