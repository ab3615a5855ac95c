from wagtail.snippets.models import register_snippet

from kpis.viewsets import SubscriptionViewSet, SurveyViewSet

register_snippet(SubscriptionViewSet)
register_snippet(SurveyViewSet)
