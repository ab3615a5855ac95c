"""Writes of the CIO's indicator targets: one function per state change."""

from decimal import Decimal

from django.db import transaction

from kpis.dashboard import INDICATOR_KEYS
from kpis.models import IndicatorTarget, TargetDirection


@transaction.atomic
def set_target(*, key: str, value: Decimal | None, direction: str, user) -> IndicatorTarget | None:
    """Set (or, with no value, remove) the target of one dashboard indicator."""
    if key not in INDICATOR_KEYS:
        raise ValueError(f"unknown indicator {key!r}")
    if value is None:
        IndicatorTarget.objects.filter(key=key).delete()
        return None
    target, _created = IndicatorTarget.objects.update_or_create(
        key=key, defaults={"value": value, "direction": TargetDirection(direction), "updated_by": user}
    )
    return target
