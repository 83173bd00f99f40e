import pytest

from audit.models import AuditEntry
from programmes.ilr import services
from programmes.ilr.models import EmploymentStatusMonitoring, IlrLearner
from tests.factories import make_ilr

from .ilr_cast import form_data, make_ilr_manager, make_qa


@pytest.fixture
def ilr(learner):
    return make_ilr(learner)


def url(learner, ilr):
    return f"/users/{learner.pk}/ilr/employment/{ilr.employment_statuses.get().pk}/monitoring/"


def test_anonymous_is_redirected_to_login(client, learner, ilr):
    assert client.get(url(learner, ilr))["Location"].startswith("/login/")


def test_outsider_gets_404(as_user, outsider, learner, ilr):
    assert as_user(outsider).get(url(learner, ilr)).status_code == 404


def test_without_manage_ilrs_gets_403(as_user, colleague, learner, ilr):
    assert as_user(colleague).get(url(learner, ilr)).status_code == 403
    assert as_user(colleague).post(url(learner, ilr), {}).status_code == 403


def test_the_ilr_page_links_to_it_for_editors(as_user, tree, learner, ilr):
    page = as_user(make_ilr_manager(tree)).get(f"/users/{learner.pk}/ilr/").content.decode()
    assert url(learner, ilr) in page


def test_adds_and_removes_monitoring_bumps_the_version_and_is_audited(as_user, tree, learner, ilr):
    ilr_manager = make_ilr_manager(tree)
    client = as_user(ilr_manager)
    data = form_data(client.get(url(learner, ilr)))
    data["esm-0-DELETE"] = "on"
    data.update({"esm-2-esm_type": "SEM", "esm-2-esm_code": "1"})
    assert client.post(url(learner, ilr), data).status_code == 302
    kinds = set(
        EmploymentStatusMonitoring.objects.filter(employment_status__ilr=ilr).values_list(
            "esm_type", flat=True
        )
    )
    assert kinds == {"EII", "SEM"}
    assert IlrLearner.objects.get(pk=ilr.pk).version == 2
    assert AuditEntry.objects.filter(learner=learner, actor=ilr_manager).count() >= 2


def test_bad_input_saves_nothing(as_user, tree, learner, ilr):
    client = as_user(make_ilr_manager(tree))
    data = form_data(client.get(url(learner, ilr)))
    data.update({"esm-2-esm_type": "SEM", "esm-2-esm_code": "100"})
    response = client.post(url(learner, ilr), data)
    assert response.status_code == 200
    assert 'value="100"' in response.content.decode()
    assert EmploymentStatusMonitoring.objects.count() == 2


def test_a_stale_save_is_refused(as_user, tree, learner, ilr):
    client = as_user(make_ilr_manager(tree))
    data = form_data(client.get(url(learner, ilr)))
    data.update({"esm-2-esm_type": "SEM", "esm-2-esm_code": "1", "version": "0"})
    response = client.post(url(learner, ilr), data)
    assert "Someone else saved this ILR" in response.content.decode()
    assert EmploymentStatusMonitoring.objects.count() == 2


def test_locked_for_editors_once_verified(as_user, tree, learner, ilr):
    services.ilr_qa_verify(ilr=ilr, based_on_version=1, actor=make_qa(tree))
    client = as_user(make_ilr_manager(tree))
    response = client.post(
        url(learner, ilr), {"esm-TOTAL_FORMS": "0", "esm-INITIAL_FORMS": "0", "version": "2"}
    )
    assert response.status_code == 302
    assert EmploymentStatusMonitoring.objects.count() == 2
