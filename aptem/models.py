"""The model bases every app builds on.

Nothing here imports the portal's own apps: the user model is named by
``settings.AUTH_USER_MODEL``, so ``aptem`` stays the bottom layer.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

__all__ = ["LearnerOwned", "created_by_field", "learner_field"]


def learner_field(
    related_name: str = "%(app_label)s_%(class)s_set",
    *,
    on_delete=models.CASCADE,
    db_index: bool = True,
) -> models.ForeignKey:
    """The ``learner`` link of a learner-owned record.

    A model passes its own ``related_name`` when pages reach its records from the learner
    (``learner.notes``); ``db_index=False`` only where a composite index led by ``learner``
    already covers it.
    """
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=on_delete,
        related_name=related_name,
        limit_choices_to={"user_type": "LEARNER"},
        db_index=db_index,
    )


def created_by_field(verbose_name: str | None = None) -> models.ForeignKey:
    """Who created a record; kept when that administrator's account goes."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=verbose_name,
    )


class LearnerOwned(models.Model):
    """A record that belongs to one learner and sits on that learner's audit trail.

    The audit entry model reads ``audit_learner_id`` to file every entry about the record under
    its learner, and auditlog stores ``get_additional_data()`` beside each entry's changes.
    """

    learner = learner_field()
    # A default rather than auto_now_add: imports and data migrations keep a record's original
    # time. Not editable, so no form or admin page offers to change it.
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = created_by_field()

    # Set by a workflow (stopping a programme, QA-rejecting an ILR) just before it saves, so the
    # audit entry says why the record changed.
    audit_reason: str = ""

    class Meta:
        abstract = True

    @property
    def audit_learner_id(self) -> int:
        return self.learner_id

    def get_additional_data(self) -> dict:
        """Stored with each audit entry: a workflow's reason explains the change. Bases later in
        the class line add their own first (``aptem.versioning.Versioned`` adds the version)."""
        parent = getattr(super(), "get_additional_data", None)
        data = dict(parent() or {}) if callable(parent) else {}
        if self.audit_reason:
            data["reason"] = self.audit_reason
        return data
