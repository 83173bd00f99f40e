from auditlog.models import AbstractLogEntry, LogEntryManager
from django.conf import settings
from django.db import models

from .context import current_actor, current_remote_addr, with_cause


class AuditEntryManager(LogEntryManager):
    """Adds the learner link to every entry auditlog writes.

    A record says which learner it belongs to through an ``audit_learner_id`` attribute (a user
    who is a learner points at themselves; learner-owned records at their ``learner``), so the
    learner's audit trail is one indexed query however many kinds of record it spans.
    """

    def log_create(self, instance, force_log: bool = False, **kwargs):
        kwargs.setdefault("learner_id", getattr(instance, "audit_learner_id", None))
        self._name_the_actor(kwargs)
        self._name_the_cause(instance, kwargs)
        return super().log_create(instance, force_log=force_log, **kwargs)

    @staticmethod
    def _name_the_cause(instance, kwargs: dict) -> None:
        # auditlog fills additional_data from the instance only when it is not given.
        if "additional_data" not in kwargs:
            own = getattr(instance, "get_additional_data", None)
            kwargs["additional_data"] = own() if callable(own) else None
        kwargs["additional_data"] = with_cause(kwargs["additional_data"])

    @staticmethod
    def _name_the_actor(kwargs: dict) -> None:
        # A service's own actor (audit.context.acting_as) wins; without one, auditlog's
        # middleware names the signed-in user.
        actor = kwargs.get("actor") or current_actor()
        if actor is not None:
            kwargs["actor"] = actor
            kwargs.setdefault("actor_email", getattr(actor, "email", None))
        if not kwargs.get("remote_addr") and current_remote_addr():
            kwargs["remote_addr"] = current_remote_addr()

    def log_m2m_changes(self, changed_queryset, instance, operation, field_name, **kwargs):
        kwargs.setdefault("learner_id", getattr(instance, "audit_learner_id", None))
        self._name_the_actor(kwargs)
        self._name_the_cause(instance, kwargs)
        return super().log_m2m_changes(changed_queryset, instance, operation, field_name, **kwargs)


class AuditEntry(AbstractLogEntry):
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        # Entries outlive the learner: the trail must survive a deletion.
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )

    # Entries are append-only (a PostgreSQL trigger refuses UPDATE and DELETE), so deleting a
    # user must not try to null their past entries: keep the id, and actor_email says who it was.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name="actor",
    )

    objects = AuditEntryManager()

    class Meta(AbstractLogEntry.Meta):
        verbose_name = "audit entry"
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["learner", "-timestamp"], name="audit_learner_time")]
