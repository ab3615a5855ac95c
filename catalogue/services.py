"""Writes of the catalogue outside Wagtail's editor."""

from django.db import transaction

from catalogue.models import ServicePage
from catalogue.search.text import split_terms, unaccent


def _with_keyword(keywords: str, term: str) -> str | None:
    """The keyword list with the term added, or None when it is already there (accents, case aside)."""
    terms = split_terms(keywords)
    if unaccent(term) in {unaccent(existing) for existing in terms}:
        return None
    return ", ".join([*terms, term])


@transaction.atomic
def add_keyword(*, service: ServicePage, term: str, user) -> bool:
    """Add a search keyword to a published service, published at once (search uses it right away).

    A keyword is what clients type, not content to review: it goes live without moderation. The
    page's pending draft, if an editor has one, gets the keyword too and stays a draft on top, so
    that publishing it later does not take the keyword away. Returns False when the service already
    had the keyword.
    """
    term = " ".join(term.split())[:100]
    page = ServicePage.objects.select_for_update().get(pk=service.pk)
    live = _with_keyword(page.keywords, term)
    draft = page.get_latest_revision_as_object() if page.has_unpublished_changes else None
    if live is None and (draft is None or _with_keyword(draft.keywords, term) is None):
        return False
    if live is not None:
        page.keywords = live
        # Whoever may add keywords (editors, relationship managers: see search.views) publishes this one
        # change, even without the right to publish the page's content.
        page.save_revision(user=user, log_action=True).publish(user=user, skip_permission_checks=True)
    if draft is not None:
        draft_keywords = _with_keyword(draft.keywords, term)
        if draft_keywords is not None:
            draft.keywords = draft_keywords
            draft.save_revision(user=user, log_action=True)
    return True
