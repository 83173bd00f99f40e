import pytest

from audit.models import AuditEntry
from programmes.ilr.models import IlrLearner, LearningDelivery
from tests.factories import make_ilr

from .ilr_cast import form_data, make_ilr_manager


@pytest.fixture
def ilr(learner):
    return make_ilr(learner)


def add_url(learner):
    return f"/users/{learner.pk}/ilr/aims/add/"


def edit_url(learner, aim):
    return f"/users/{learner.pk}/ilr/aims/{aim.pk}/edit/"


def remove_url(learner, aim):
    return f"/users/{learner.pk}/ilr/aims/{aim.pk}/remove/"


def test_anonymous_is_redirected_to_login(client, learner, ilr):
    aim = ilr.deliveries.first()
    for url in (add_url(learner), edit_url(learner, aim), remove_url(learner, aim)):
        assert client.get(url)["Location"].startswith("/login/")


def test_outsider_gets_404(as_user, outsider, learner, ilr):
    aim = ilr.deliveries.first()
    for url in (add_url(learner), edit_url(learner, aim), remove_url(learner, aim)):
        assert as_user(outsider).get(url).status_code == 404


def test_without_manage_ilrs_gets_403(as_user, colleague, learner, ilr):
    aim = ilr.deliveries.first()
    for url in (add_url(learner), edit_url(learner, aim), remove_url(learner, aim)):
        assert as_user(colleague).get(url).status_code == 403
        assert as_user(colleague).post(url, {}).status_code == 403
    assert ilr.deliveries.count() == 2


def test_another_learners_aim_is_404(as_user, tree, learner, ilr, supervisor):
    from tests.factories import UserFactory

    other = make_ilr(UserFactory(groups=[tree["cohort"]]))
    aim = other.deliveries.first()
    assert as_user(make_ilr_manager(tree)).get(edit_url(learner, aim)).status_code == 404


def test_editing_an_aim_saves_it_and_its_fams_and_is_audited(as_user, tree, learner, ilr):
    ilr_manager = make_ilr_manager(tree)
    client = as_user(ilr_manager)
    aim = ilr.deliveries.get(aim_seq_number=2)
    data = form_data(client.get(edit_url(learner, aim)))
    data["p_hours"] = "120"
    data["fam-2-learn_del_fam_type"] = "LDM"
    data["fam-2-learn_del_fam_code"] = "034"
    response = client.post(edit_url(learner, aim), data)
    assert response.status_code == 302
    aim.refresh_from_db()
    assert aim.p_hours == 120
    assert aim.fams.filter(learn_del_fam_type="LDM", learn_del_fam_code="034").exists()
    assert IlrLearner.objects.get(pk=ilr.pk).version == 2
    entry = AuditEntry.objects.filter(object_pk=str(aim.pk), learner=learner).latest("pk")
    assert entry.actor == ilr_manager
    assert "p_hours" in entry.changes_dict


def test_bad_input_on_an_aim_saves_nothing_and_keeps_the_typing(as_user, tree, learner, ilr):
    client = as_user(make_ilr_manager(tree))
    aim = ilr.deliveries.get(aim_seq_number=2)
    data = form_data(client.get(edit_url(learner, aim)))
    data["p_hours"] = "120"
    data["learn_start_date"] = "not a date"
    response = client.post(edit_url(learner, aim), data)
    assert response.status_code == 200
    assert 'value="120"' in response.content.decode()
    aim.refresh_from_db()
    assert aim.p_hours is None


def test_an_aim_number_already_taken_is_refused(as_user, tree, learner, ilr):
    client = as_user(make_ilr_manager(tree))
    aim = ilr.deliveries.get(aim_seq_number=2)
    data = form_data(client.get(edit_url(learner, aim)))
    data["aim_seq_number"] = "1"
    response = client.post(edit_url(learner, aim), data)
    assert "already ZPROG001" in response.context["form"].errors["aim_seq_number"][0]


def test_adding_an_aim(as_user, tree, learner, ilr):
    client = as_user(make_ilr_manager(tree))
    data = form_data(client.get(add_url(learner)))
    assert data["aim_seq_number"] == "3"
    data.update(
        {
            "learn_aim_ref": "60346521",
            "aim_type": "3",
            "learn_start_date": "2025-09-01",
            "learn_plan_end_date": "2026-06-30",
            "fund_model": "36",
            "prog_type": "25",
            "std_code": "91",
            "del_loc_post_code": "zz99 9zz",
            "fam-0-learn_del_fam_type": "SOF",
            "fam-0-learn_del_fam_code": "105",
        }
    )
    response = client.post(add_url(learner), data)
    assert response.status_code == 302, response.context["form"].errors
    aim = ilr.deliveries.get(aim_seq_number=3)
    assert aim.del_loc_post_code == "ZZ99 9ZZ"
    assert aim.fams.get().learn_del_fam_code == "105"


def test_a_bad_new_aim_saves_nothing(as_user, tree, learner, ilr):
    client = as_user(make_ilr_manager(tree))
    data = form_data(client.get(add_url(learner)))
    data.update({"learn_aim_ref": "ZPROG001", "aim_type": "3"})
    response = client.post(add_url(learner), data)
    assert response.status_code == 200
    assert ilr.deliveries.count() == 2


def test_removing_an_aim_asks_first_then_removes_it(as_user, tree, learner, ilr):
    client = as_user(make_ilr_manager(tree))
    aim = ilr.deliveries.get(aim_seq_number=2)
    assert "Remove aim 2" in client.get(remove_url(learner, aim)).content.decode()
    response = client.post(remove_url(learner, aim), {"version": 1})
    assert response.status_code == 302
    assert not LearningDelivery.objects.filter(pk=aim.pk).exists()
    assert IlrLearner.objects.get(pk=ilr.pk).version == 2
    assert AuditEntry.objects.filter(
        object_pk=str(aim.pk), action=AuditEntry.Action.DELETE, learner=learner
    ).exists()


def test_a_stale_remove_is_refused(as_user, tree, learner, ilr):
    client = as_user(make_ilr_manager(tree))
    aim = ilr.deliveries.get(aim_seq_number=2)
    client.post(remove_url(learner, aim), {"version": 0})
    assert LearningDelivery.objects.filter(pk=aim.pk).exists()
