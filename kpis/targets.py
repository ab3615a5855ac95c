"""Writes of the indicator targets (the company's and each directorate's): one function per state
change, each leaving a row in the targets' history (`TargetChange`)."""

from decimal import Decimal

from django.db import transaction

from kpis.dashboard import INDICATOR_KEYS, INDICATORS
from kpis.models import DirectorateTarget, IndicatorTarget, TargetChange, TargetDirection, describe_target


@transaction.atomic
def set_target(
    *, key: str, value: Decimal | None, direction: str, user, directorate=None
) -> IndicatorTarget | DirectorateTarget | None:
    """Set (or, with no value, remove) the target of one dashboard indicator, for the company or, with
    `directorate`, for that directorate alone (removed: the company's target applies again)."""
    if key not in INDICATOR_KEYS:
        raise ValueError(f"unknown indicator {key!r}")
    direction = TargetDirection(direction)
    rows = (
        IndicatorTarget.objects.filter(key=key)
        if directorate is None
        else DirectorateTarget.objects.filter(key=key, directorate=directorate)
    )
    current = rows.first()
    unchanged = (current is None and value is None) or (
        current is not None
        and value is not None
        and current.value == value
        and current.direction == direction
    )
    if unchanged:
        return current
    TargetChange.objects.create(
        directorate=directorate, key=key, value=value, direction=direction, changed_by=user
    )
    if value is None:
        rows.delete()
        return None
    if current is None:
        model = IndicatorTarget if directorate is None else DirectorateTarget
        extra = {} if directorate is None else {"directorate": directorate}
        return model.objects.create(key=key, value=value, direction=direction, updated_by=user, **extra)
    current.value, current.direction, current.updated_by = value, direction, user
    current.save(update_fields=["value", "direction", "updated_by", "updated_at"])
    return current


def history(directorate=None, limit: int = 30):
    """The latest changes of the company's targets (no directorate) or of one directorate's."""
    titles = {indicator.key: indicator.title for indicator in INDICATORS}
    changes = list(TargetChange.objects.filter(directorate=directorate).select_related("changed_by")[:limit])
    for change in changes:
        change.indicator_title = titles.get(change.key, change.key)
        change.description = None if change.value is None else describe_target(change.direction, change.value)
    return changes
