from wagtail.snippets.models import register_snippet

from kpis.viewsets import SubscriptionViewSet

register_snippet(SubscriptionViewSet)
