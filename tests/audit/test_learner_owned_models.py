"""Every learner-owned record is built on ``aptem.models.LearnerOwned`` and sits on the audit
trail: a model added with a ``learner`` link but without the base or the auditlog registration
fails here."""

import pytest
from auditlog.registry import auditlog
from django.apps import apps

from aptem.models import LearnerOwned
from audit.models import AuditEntry
from reviews.models import ReviewDue
from tests.crm.factories import NoteFactory

# The audit entry's own learner link files entries under a learner; it is not a record of theirs.
# ReviewDue is derived data (the next review date), recomputed from audited records.
NOT_LEARNER_OWNED = {AuditEntry, ReviewDue}


def _models_with_a_learner_link() -> list:
    return [
        model
        for model in apps.get_models()
        if model not in NOT_LEARNER_OWNED
        and any(field.name == "learner" for field in model._meta.concrete_fields)
    ]


def test_the_walk_finds_the_learner_owned_models():
    names = {model._meta.label for model in _models_with_a_learner_link()}
    assert {"crm.Note", "activity.Task", "documents.Document", "programmes.IlrLearner"} <= names


@pytest.mark.parametrize("model", _models_with_a_learner_link(), ids=lambda m: m._meta.label)
def test_every_model_with_a_learner_is_registered_with_the_audit_log(model):
    assert auditlog.contains(model), f"{model._meta.label} is missing from its audit_registry.py"


@pytest.mark.parametrize("model", _models_with_a_learner_link(), ids=lambda m: m._meta.label)
def test_every_model_with_a_learner_uses_the_learner_owned_base(model):
    assert issubclass(model, LearnerOwned)


@pytest.mark.parametrize("model", _models_with_a_learner_link(), ids=lambda m: m._meta.label)
def test_every_learner_link_is_indexed(model):
    # Either its own index or a composite index or constraint that starts with the learner.
    meta = model._meta
    leading = [index.fields[0] for index in meta.indexes] + [
        fields[0] for fields in meta.unique_together
    ]
    leading += [c.fields[0] for c in meta.constraints if getattr(c, "fields", None)]
    assert meta.get_field("learner").db_index or "learner" in leading


def test_a_workflow_reason_travels_with_the_entry_beside_the_version(db):
    note = NoteFactory()
    note.audit_reason = "Merged from a duplicate account"
    note.text = "Changed"
    note.save()
    entry = AuditEntry.objects.get_for_object(note).first()
    assert entry.learner_id == note.learner_id
    assert entry.additional_data == {"version": 1, "reason": "Merged from a duplicate account"}
