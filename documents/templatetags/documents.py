"""The mandate line in a learner's profile header."""

from django import template

from users.access import may_edit

from ..models import Document

register = template.Library()


@register.inclusion_tag("documents/_mandate_line.html", takes_context=True)
def mandate_line(context, subject) -> dict:
    """The latest mandate (one query; earlier ones are kept) and what the viewer may do."""
    request = context["request"]
    latest = (
        Document.objects.mandates().filter(learner=subject).select_related("created_by").first()
    )
    return {
        "subject": subject,
        "mandate": latest,
        "may_upload": may_edit(request.user, subject),
    }
