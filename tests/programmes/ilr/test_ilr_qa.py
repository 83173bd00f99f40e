import pytest

from audit.models import AuditEntry
from programmes.ilr.models import IlrLearner
from tests.factories import make_ilr

from .ilr_cast import make_ilr_manager, make_qa


@pytest.fixture
def ilr(learner):
    return make_ilr(learner)


def verify_url(learner):
    return f"/users/{learner.pk}/ilr/qa-verify/"


def unverify_url(learner):
    return f"/users/{learner.pk}/ilr/unverify/"


def status_url(learner):
    return f"/users/{learner.pk}/ilr/status/"


def verified(ilr, by):
    from programmes.ilr import services

    return services.ilr_qa_verify(ilr=ilr, based_on_version=ilr.version, actor=by)


def test_anonymous_is_redirected_to_login(client, learner, ilr):
    for url in (verify_url(learner), unverify_url(learner), status_url(learner)):
        assert client.post(url)["Location"].startswith("/login/")


def test_outsider_gets_404(as_user, outsider, learner, ilr):
    for url in (verify_url(learner), unverify_url(learner), status_url(learner)):
        assert as_user(outsider).post(url, {"version": 1}).status_code == 404


def test_without_ilr_qa_verify_and_unverify_are_403(as_user, tree, learner, ilr):
    client = as_user(make_ilr_manager(tree))
    assert client.post(verify_url(learner), {"version": 1}).status_code == 403
    assert client.get(unverify_url(learner)).status_code == 403
    assert client.post(unverify_url(learner), {"reason": "x", "version": 1}).status_code == 403
    assert IlrLearner.objects.get(pk=ilr.pk).episode_status == "DRAFT"


def test_without_manage_ilrs_the_status_form_is_403(as_user, colleague, learner, ilr):
    response = as_user(colleague).post(status_url(learner), {"episode_status": "COMPLETED"})
    assert response.status_code == 403


def test_qa_verify_marks_the_episode_and_is_audited(as_user, tree, learner, ilr):
    qa = make_qa(tree)
    response = as_user(qa).post(verify_url(learner), {"version": 1})
    assert response.status_code == 302
    ilr.refresh_from_db()
    assert ilr.episode_status == IlrLearner.EpisodeStatus.QA_VERIFIED
    assert ilr.qa_verified_by == qa
    assert ilr.qa_verified_at is not None
    assert ilr.version == 2
    entry = AuditEntry.objects.filter(object_pk=str(ilr.pk), learner=learner).latest("pk")
    assert entry.actor == qa
    assert "episode_status" in entry.changes_dict


def test_qa_verify_is_refused_while_the_ilr_has_rule_errors(as_user, tree, learner):
    ilr = make_ilr(learner, ULN="1000000042")
    response = as_user(make_qa(tree)).post(verify_url(learner), {"version": 1}, follow=True)
    page = response.content.decode()
    assert "cannot be QA verified" in page
    assert "ULN_04" in page
    assert IlrLearner.objects.get(pk=ilr.pk).episode_status == "DRAFT"


def test_a_stale_qa_verify_is_refused(as_user, tree, learner, ilr):
    response = as_user(make_qa(tree)).post(verify_url(learner), {"version": 0})
    # The ILR page again, with the one conflict message and what changed since.
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone else saved this ILR after you opened the form" in body
    assert "Changed since you opened this form" in body
    assert not IlrLearner.objects.get(pk=ilr.pk).is_qa_verified


def test_unverify_needs_a_reason(as_user, tree, learner, ilr):
    qa = make_qa(tree)
    verified(ilr, qa)
    response = as_user(qa).post(unverify_url(learner), {"reason": "", "version": 2})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert IlrLearner.objects.get(pk=ilr.pk).is_qa_verified


def test_unverify_returns_to_draft_with_the_reason_in_the_audit_trail(as_user, tree, learner, ilr):
    qa = make_qa(tree)
    verified(ilr, qa)
    client = as_user(qa)
    assert "Remove QA verification" in client.get(unverify_url(learner)).content.decode()
    response = client.post(unverify_url(learner), {"reason": "Wrong start date", "version": 2})
    assert response.status_code == 302
    ilr.refresh_from_db()
    assert ilr.episode_status == "DRAFT"
    assert ilr.qa_verified_by is None
    entry = AuditEntry.objects.filter(object_pk=str(ilr.pk), learner=learner).latest("pk")
    assert entry.additional_data["reason"] == "Wrong start date"
    assert entry.actor == qa


def test_the_status_form_sets_the_other_statuses(as_user, tree, learner, ilr):
    client = as_user(make_ilr_manager(tree))
    response = client.post(status_url(learner), {"episode_status": "LEARNER_SIGNED", "version": 1})
    assert response.status_code == 302
    assert IlrLearner.objects.get(pk=ilr.pk).episode_status == "LEARNER_SIGNED"
    client.post(status_url(learner), {"episode_status": "QA_VERIFIED", "version": 2})
    assert IlrLearner.objects.get(pk=ilr.pk).episode_status == "LEARNER_SIGNED"


def test_the_status_form_leaves_a_verified_ilr_alone(as_user, tree, learner, ilr):
    qa = make_qa(tree)
    verified(ilr, qa)
    as_user(qa).post(status_url(learner), {"episode_status": "DRAFT", "version": 2})
    assert IlrLearner.objects.get(pk=ilr.pk).is_qa_verified
