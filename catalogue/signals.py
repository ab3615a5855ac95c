"""Keep the search index right for services: their benefits and strong points are saved after the page."""

from django.dispatch import receiver
from wagtail.search import index
from wagtail.signals import page_published

from catalogue.models import ServicePage


@receiver(page_published, sender=ServicePage)
def reindex_published_service(sender, instance, **kwargs):
    # Wagtail indexes on post_save, before a ClusterableModel writes its child rows; index again now.
    instance.__dict__.pop("_search_text", None)
    index.insert_or_update_object(instance)
