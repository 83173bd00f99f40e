"""The audit entries the portal writes itself, beside the ones auditlog writes on every save:
access events (downloads, exports, views of special-category data, sign-in security) and the
bulk writer for background jobs that change thousands of records at once."""

import copy
import datetime

from auditlog.diff import model_instance_diff
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from .context import current_actor, current_cid, current_remote_addr, one_correlation
from .models import AuditEntry


def log_access(
    record: models.Model,
    *,
    kind: str,
    detail: str,
    actor=None,
    remote_addr: str | None = None,
) -> AuditEntry:
    """Record that ``record`` was read or taken out of the portal: a file downloaded, an export
    taken, special-category data shown, a sign-in locked.

    ``kind`` names what happened (``download``, ``export``, ``viewed``...) and ``detail`` says
    what in words; the entry goes on the trail of the learner ``record`` belongs to. In a request
    the auditlog middleware adds the actor (when not given) and the address.
    """
    extra = {"remote_addr": remote_addr} if remote_addr else {}
    return AuditEntry.objects.log_create(
        record,
        force_log=True,
        action=AuditEntry.Action.ACCESS,
        changes={kind: ["", detail]},
        actor=actor,
        **extra,
    )


def bulk_log_changes(
    queryset: models.QuerySet,
    values: dict,
    *,
    actor=None,
    remote_addr: str | None = None,
    timestamp: datetime.datetime | None = None,
) -> int:
    """Set ``values`` (field name -> value) on every record of ``queryset`` with one UPDATE, and
    write in one INSERT the audit entries a save of each would have written: auditlog's own diff,
    the actor, the learner link and the additional data (the version). Returns the records
    changed.

    Only for background jobs over thousands of records (the ILR export marks every learner in
    its file): a per-object save reads each row and writes it and its entry one at a time. Keep
    batches to a few thousand records; request code saves records one by one.
    """
    actor = actor or current_actor()
    remote_addr = remote_addr or current_remote_addr()
    timestamp = timestamp or timezone.now()
    fields = list(values)
    content_type = ContentType.objects.get_for_model(queryset.model)
    # One correlation id for the whole run (the request's, when there is one): one change.
    with transaction.atomic(), one_correlation():
        records = list(queryset)
        entries = []
        for old in records:
            new = copy.copy(old)
            for name, value in values.items():
                setattr(new, name, value)
            entries.append(
                AuditEntry(
                    content_type=content_type,
                    object_pk=str(old.pk),
                    object_id=old.pk,
                    object_repr=str(old),
                    action=AuditEntry.Action.UPDATE,
                    changes=model_instance_diff(old, new, fields_to_check=fields),
                    actor=actor,
                    actor_email=getattr(actor, "email", None),
                    learner_id=getattr(old, "audit_learner_id", None),
                    additional_data=old.get_additional_data()
                    if hasattr(old, "get_additional_data")
                    else None,
                    remote_addr=remote_addr,
                    timestamp=timestamp,
                    cid=current_cid(),
                )
            )
        queryset.model.objects.filter(pk__in=[r.pk for r in records]).update(**values)
        AuditEntry.objects.bulk_create(entries)
    return len(records)
