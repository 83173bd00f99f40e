import datetime
import io

from pypdf import PdfReader

from audit.models import AuditEntry
from tests.factories import OrganisationFactory, UserFactory
from users.models import User


def url(user):
    return f"/users/{user.pk}/mandate/prepare/"


def test_anonymous_is_redirected_to_login(client, learner):
    assert client.get(url(learner))["Location"].startswith("/login/")


def test_outsider_gets_404(as_user, outsider, learner):
    assert as_user(outsider).get(url(learner)).status_code == 404


def test_a_signed_in_learner_without_portal_access_gets_403(as_user, learner):
    assert as_user(learner).get(url(learner)).status_code == 403


def test_other_user_types_have_no_mandate(as_user, tutor, tree):
    employer = UserFactory(user_type=User.Type.EMPLOYER, groups=[tree["leeds"]])
    assert as_user(tutor).get(url(employer)).status_code == 404


def test_colleague_without_edit_rights_may_prepare_it(as_user, colleague, learner):
    assert as_user(colleague).get(url(learner)).status_code == 200


def test_the_pdf_holds_learner_provider_details_and_signature_boxes(
    as_user, tutor, learner, settings
):
    settings.PROVIDER_NAME = "Northern Skills Academy"
    settings.PROVIDER_UKPRN = "10012345"
    learner.uln = "1000000004"
    learner.organisation = OrganisationFactory(name="Acme Widgets Ltd")
    learner.address_line_1 = "1 High Street"
    learner.town = "Leeds"
    learner.postcode = "LS1 4AP"
    learner.date_of_birth = datetime.date(2001, 2, 14)
    learner.save()
    response = as_user(tutor).get(url(learner))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="mandate-john-smith.pdf"'
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    for expected in (
        "John Smith",
        "1000000004",
        "AB123456C",
        "Acme Widgets Ltd",
        "1 High Street, Leeds, LS1 4AP",
        "14/02/2001",
        "Northern Skills Academy",
        "10012345",
        "Learner signature",
        "Employer signature",
        "Provider signature",
        "Date:",
    ):
        assert expected in text, expected


def test_preparing_it_is_recorded_as_access(as_user, tutor, learner):
    as_user(tutor).get(url(learner))
    entry = AuditEntry.objects.filter(learner=learner, action=AuditEntry.Action.ACCESS).get()
    assert entry.actor == tutor


def test_learner_markup_cannot_make_the_pdf_fetch_anything(as_user, tutor, learner):
    learner.address_line_1 = '<img src="http://example.invalid/x.png">'
    learner.save()
    response = as_user(tutor).get(url(learner))
    assert response.status_code == 200
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "<img" in text
