from audit.models import AuditEntry
from crm.models import CrmContact, LearnerContact

from .factories import AdminLinkFactory, CrmLinkFactory


def url(link):
    return f"/users/{link.learner_id}/contacts/{link.pk}/remove/"


def test_anonymous_is_redirected_to_login(client, learner):
    link = AdminLinkFactory(learner=learner)
    assert client.post(url(link))["Location"].startswith("/login/")
    assert LearnerContact.objects.exists()


def test_outsider_gets_404(as_user, outsider, learner):
    link = AdminLinkFactory(learner=learner)
    assert as_user(outsider).post(url(link)).status_code == 404
    assert LearnerContact.objects.exists()


def test_without_edit_learner_details_gets_403(as_user, colleague, learner):
    link = AdminLinkFactory(learner=learner)
    assert as_user(colleague).post(url(link)).status_code == 403
    assert LearnerContact.objects.exists()


def test_a_link_of_another_learner_is_404(as_user, tutor, learner, tree):
    other = AdminLinkFactory()
    other.learner.groups.set([tree["cohort"]])
    response = as_user(tutor).post(f"/users/{learner.pk}/contacts/{other.pk}/remove/")
    assert response.status_code == 404
    assert LearnerContact.objects.exists()


def test_get_asks_for_confirmation(as_user, tutor, colleague, learner):
    link = AdminLinkFactory(learner=learner, admin=colleague)
    response = as_user(tutor).get(url(link))
    assert "Remove Colin Colleague from John Smith" in response.content.decode()
    assert LearnerContact.objects.exists()


def test_removing_deletes_only_the_link_and_is_audited(as_user, tutor, learner):
    link = CrmLinkFactory(learner=learner)
    response = as_user(tutor).post(url(link))
    assert response.status_code == 302
    assert not LearnerContact.objects.exists()
    assert CrmContact.objects.exists()
    entry = AuditEntry.objects.filter(learner=learner).latest("pk")
    assert entry.action == AuditEntry.Action.DELETE
    assert entry.actor == tutor
