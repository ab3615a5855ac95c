"""Daily counts of requests kept beside the requests table, so that the indicators read a few thousand
rows instead of every request of a period (kpis/aggregates.py keeps them exact)."""

from django.db import models


class Measure(models.TextChoices):
    RECEIVED = "k", "received by directorate, client type and kind"
    SERVICE = "s", "received by service"
    RESOLVED = "r", "resolved by directorate and response type"
    KEPT = "c", "resolved with a deadline, by directorate and kind"
    KEPT_SERVICE = "m", "resolved with a deadline, by service"


class RequestDayCount(models.Model):
    """How many requests fall in one Europe/Paris day for one combination of a measure's dimensions.

    received (k): day of `received_at`, the entity's directorate and client type ('' without an entity),
    the kind; service (s): day of `received_at`, the service (requests with a service only); resolved
    (r): day of `resolved_at`, the entity's directorate, the response type (non-empty only); kept (c)
    and kept by service (m): day of `resolved_at` of the requests with `deadline_met` set, by directorate
    and kind or by service, `met` counting those that met their deadline. Unused
    dimensions stay NULL or ''. Ids are plain integers, not foreign keys: the rows are derived data,
    rebuilt from the requests (`rebuild_kpi_aggregates`), never a reason to keep or delete anything."""

    day = models.DateField()
    measure = models.CharField(max_length=1, choices=Measure.choices)
    directorate_id = models.IntegerField(null=True)
    client_type = models.CharField(max_length=20, blank=True, default="")
    kind = models.CharField(max_length=20, blank=True, default="")
    service_id = models.IntegerField(null=True)
    response_type = models.CharField(max_length=20, blank=True, default="")
    n = models.PositiveIntegerField()
    met = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["measure", "day"], name="kpis_daycount_measure_day")]

    def __str__(self):
        return f"{self.day} {self.measure}: {self.n}"
