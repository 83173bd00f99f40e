"""The "N documents need signatures" line in a learner's profile header."""

from django import template

from ..models import ComplianceDocument

register = template.Library()


@register.inclusion_tag("compliance/_signatures_needed.html")
def signatures_needed(subject) -> dict:
    """One query: the learner's documents waiting for a signature (superseded ones excluded)."""
    count = ComplianceDocument.objects.filter(learner=subject).needing_signatures().count()
    return {"subject": subject, "count": count}
