"""Catalogue factories: pages created through Wagtail's tree API, published through revisions."""

import itertools

import pytest
from django.db.models.signals import post_save
from modelsearch.signal_handlers import post_save_signal_handler
from wagtail.signal_handlers import disable_reference_index_auto_update

from catalogue.models import (
    CatalogueIndexPage,
    ClientTypeOption,
    FamilyPage,
    ServiceBenefit,
    ServicePage,
    ServiceStrongPoint,
)

_numbers = itertools.count(1)


@pytest.fixture
def catalogue_index(db):
    """The index page migration 0004 creates at /catalogue/."""
    return CatalogueIndexPage.objects.get()


def make_family(index, code=None, title=None, colour="#1f4e8c", pictogram="impression", publish=True):
    code = code or f"F{next(_numbers)}"
    family = FamilyPage(
        title=title or f"Famille {code}", slug=code.lower(), code=code, colour=colour, pictogram=pictogram
    )
    index.add_child(instance=family)
    if publish:
        family.save_revision().publish()
    return family


def make_service(
    family,
    code=None,
    title=None,
    publish=True,
    needs=("securite",),
    client_types=("metier",),
    fast=False,
    **fields,
):
    """A service under family; `fast` skips the revision (still live), for bulk data."""
    code = code or f"S{next(_numbers)}"
    service = ServicePage(title=title or f"Service {code}", slug=code.lower(), code=code, **fields)
    service.benefits = [ServiceBenefit(text=f"Bénéfice {need}", need=need) for need in needs]
    service.strong_points = [ServiceStrongPoint(text="Point fort")]
    service.client_types = list(ClientTypeOption.objects.filter(code__in=client_types))
    if not publish:
        service.live = False
    if fast:
        # Bulk rows for query-count tests: skip search and reference indexing (not what is measured).
        post_save.disconnect(post_save_signal_handler, sender=ServicePage)
        try:
            with disable_reference_index_auto_update():
                family.add_child(instance=service)
        finally:
            post_save.connect(post_save_signal_handler, sender=ServicePage)
        return service
    family.add_child(instance=service)
    if publish:
        service.save_revision().publish()
    return service


@pytest.fixture
def family(catalogue_index):
    return make_family(catalogue_index, code="IMP", title="Impression", colour="#8a4b00")
