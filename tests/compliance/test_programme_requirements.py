"""The compliance documents a programme requires, chosen on the Manage Programmes form."""

from audit.models import AuditEntry
from compliance.models import ProgrammeRequirement
from tests.compliance.factories import grant, kind
from tests.factories import ProgrammeFactory


def _post(client, programme, types):
    data = {
        "name": programme.name,
        "code": programme.code,
        "kind": programme.kind,
        "is_active": "on",
        "version": programme.version,
        "required_compliance_documents": [kind(code).pk for code in types],
        "components-TOTAL_FORMS": 0,
        "components-INITIAL_FORMS": 0,
    }
    return client.post(f"/programmes/{programme.pk}/edit/", data)


def test_the_form_offers_the_types_and_saves_the_choice_with_an_audit_entry(as_user, tutor):
    programme = ProgrammeFactory()
    client = as_user(grant(tutor, "Manage Programmes"))
    assert (
        "Compliance documents required"
        in client.get(f"/programmes/{programme.pk}/edit/").content.decode()
    )
    response = _post(client, programme, ["commitment-statement", "ilr-document"])
    assert response.status_code == 302
    assert set(programme.compliance_requirements.values_list("document_type__code", flat=True)) == {
        "commitment-statement",
        "ilr-document",
    }
    requirement = ProgrammeRequirement.objects.get(document_type__code="ilr-document")
    assert AuditEntry.objects.get_for_object(requirement).get().actor == tutor
    programme.refresh_from_db()
    _post(client, programme, ["ilr-document"])
    assert list(
        programme.compliance_requirements.values_list("document_type__code", flat=True)
    ) == ["ilr-document"]
