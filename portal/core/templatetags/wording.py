"""`{% between_sentences %}`: what goes between two translated sentences in the active language (portal.core.wording;
issue 15: "…不得下派。只能…", never "…不得下派。 只能…")."""

from django import template

from portal.core.wording import sentence_gap

register = template.Library()


@register.simple_tag
def between_sentences() -> str:
    """" " in English, nothing in Chinese."""
    return sentence_gap()
