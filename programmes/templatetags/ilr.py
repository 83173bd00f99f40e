"""Template helpers for ILR pages."""

from django import template

from programmes.ilr.codes import year_label

register = template.Library()


@register.filter
def collection_year(code: str) -> str:
    """A collection year as people write it ("2025-26") from its ILR code ("2526")."""
    return year_label(str(code))
