"""What the catalogue search keeps: the company-wide synonyms, the searches people made, and (on
PostgreSQL) the catalogue's vocabulary that pg_trgm matches misspelt words against."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel

from catalogue.search.text import split_terms


class SearchSynonym(models.Model):
    """Words that mean the same thing for the company's users, whatever the service."""

    terms = models.TextField(
        _("equivalent terms"),
        help_text=_(
            "Words or expressions that mean the same, separated by commas, "
            "e.g. 'ordinateur, PC, poste de travail, laptop'."
        ),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    panels = [FieldPanel("terms"), FieldPanel("note")]

    class Meta:
        ordering = ["terms"]
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms")

    def __str__(self):
        return ", ".join(self.term_list())

    def term_list(self) -> list[str]:
        return split_terms(self.terms)

    def clean(self):
        from django.core.exceptions import ValidationError

        if len(self.term_list()) < 2:
            raise ValidationError({"terms": _("Give at least two terms separated by commas.")})


class SearchLog(models.Model):
    """One search made in the catalogue. No user, no session: only what was asked and what followed."""

    created_at = models.DateTimeField(_("searched at"), auto_now_add=True, db_index=True)
    query = models.CharField(_("query"), max_length=200)
    # The query's meaningful words, unaccented and stemmed: searches that mean the same count together.
    key = models.CharField(_("normalised query"), max_length=200, db_index=True)
    result_count = models.PositiveIntegerField(_("results"))
    corrected_to = models.CharField(_("corrected to"), max_length=200, blank=True)
    opened_position = models.PositiveSmallIntegerField(
        _("position of the result opened"), null=True, blank=True
    )
    request_made = models.BooleanField(_("request made next"), default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("catalogue search")
        verbose_name_plural = _("catalogue searches")

    def __str__(self):
        return self.query


class SearchVocabularyWord(models.Model):
    """A word of the published catalogue (unaccented), for PostgreSQL's trigram typo matching.

    Rewritten from the search index whenever the catalogue changes (see catalogue.search.fuzzy);
    migration 0008 gives it a pg_trgm GIN index. Unused on SQLite, where the same words are
    matched in memory.
    """

    word = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("catalogue word")

    def __str__(self):
        return self.word


class SearchVocabularyState(models.Model):
    """The signature of the words in SearchVocabularyWord: one row."""

    signature = models.CharField(max_length=64)

    def __str__(self):
        return self.signature
