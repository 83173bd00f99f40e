"""Audit entries shown in pages other than the audit trail, worded and masked as the trail is."""

from django import template

from audit.trail import Row, present

register = template.Library()


@register.simple_tag(takes_context=True)
def audit_rows(context, entries) -> list[Row]:
    """``entries`` as display rows for the viewing user: field labels, readable values, and
    sensitive values masked unless the viewer may see them (audit.trail.present)."""
    return present(list(entries), context["request"].user)
