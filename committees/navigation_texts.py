"""The committees' navigation texts (used in home/navigation.py), listed here for this app's catalogue."""

from django.utils.translation import gettext_noop

NAV_TEXTS = (
    gettext_noop("Committees"),
    gettext_noop("Client committees: meetings, minutes, decisions and action plans."),
    gettext_noop("My actions"),
    gettext_noop("The committee actions assigned to you."),
    gettext_noop("Client relationship"),
    gettext_noop("Whom we have not met lately, next contacts due, projects."),
)
