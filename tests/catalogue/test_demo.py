import pytest

from catalogue import demo
from catalogue.models import FamilyPage, ServicePage
from catalogue.pictograms import is_available


@pytest.mark.django_db
def test_demo_catalogue_is_credible_and_idempotent(client_for, editor):
    first = demo.seed()
    assert 8 <= first["catalogue families"] <= 10
    assert first["catalogue services"] >= 60
    families = FamilyPage.objects.live()
    assert len({f.colour for f in families}) == families.count()
    assert all(is_available(f.pictogram) for f in families)
    services = ServicePage.objects.live()
    assert services.count() == first["catalogue services"]
    sample = services.get(code="IMP-MULTIFONCTION")
    assert sample.promise and sample.benefits.count() >= 2 and sample.commitment_delay
    assert sample.benefits.exclude(need="").exists()
    assert demo.seed() == first
    html = client_for(editor).get("/catalogue/parcourir/?q=imprimantes").content.decode()
    assert "Imprimantes multifonctions partagées" in html
