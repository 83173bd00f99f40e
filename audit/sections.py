"""The Audit trail section of the profile: the latest few entries and a link to the full page."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest

from aptem.sections import Section

from .trail import action_label, actor_label, field_labels, kind_label, section_label, trail_for

LATEST = 5


def _audit(request: HttpRequest, subject: AbstractBaseUser) -> dict:
    # One query (actor and kind come with the entries). Only field names are shown here (as the
    # full page names them: bookkeeping left out, wizard answers by label), so there is nothing
    # to mask and no related record to fetch.
    entries = list(trail_for(subject)[:LATEST])
    return {
        "audit_rows": [
            {
                "when": entry.timestamp,
                "who": actor_label(entry),
                "record": entry.object_repr,
                "kind": kind_label(entry.content_type),
                "section": section_label(entry.content_type),
                "action": action_label(entry),
                "fields": field_labels(entry),
            }
            for entry in entries
        ]
    }


AUDIT = Section(
    key="audit",
    title="Audit trail",
    template="audit/sections/_audit.html",
    summary=_audit,
    # Portal access (checked by the profile page) is all the trail needs: sensitive values
    # are masked on its page, and the summary shows no values at all.
    for_every_user=True,
)
