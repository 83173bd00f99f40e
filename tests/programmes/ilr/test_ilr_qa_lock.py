"""A QA-verified ILR is locked for everyone without ILR QA: its fields and the learner's names."""

import pytest

from programmes.ilr import services
from programmes.ilr.models import IlrLearner
from tests.factories import make_ilr
from users.models import User

from .ilr_cast import form_data, make_ilr_manager, make_qa


@pytest.fixture
def ilr_qa(tree):
    return make_qa(tree)


@pytest.fixture
def ilr(learner, ilr_qa):
    ilr = make_ilr(learner)
    return services.ilr_qa_verify(ilr=ilr, based_on_version=ilr.version, actor=ilr_qa)


def test_the_edit_form_shows_every_field_disabled_with_the_reason(as_user, tree, learner, ilr):
    response = as_user(make_ilr_manager(tree)).get(f"/users/{learner.pk}/ilr/edit/user/")
    form = response.context["form"]
    assert all(f.disabled for name, f in form.fields.items() if name != "version")
    page = response.content.decode()
    assert "Locked because the ILR was QA verified on" in page
    assert "by Quinn Checker" in page
    assert "Someone with the ILR QA role can change it; or" in page
    # The sanctioned way for everyone else: a change request that applies itself when approved.
    assert f'/users/{learner.pk}/trackers/add/?type=ilr">raise an ILR change request' in page


def test_posting_to_a_locked_ilr_changes_nothing(as_user, tree, ilr_qa, learner, ilr):
    data = form_data(as_user(ilr_qa).get(f"/users/{learner.pk}/ilr/edit/user/"))
    data["family_name"] = "Changed"
    client = as_user(make_ilr_manager(tree))
    for url in (
        f"/users/{learner.pk}/ilr/edit/user/",
        f"/users/{learner.pk}/ilr/edit/admin/",
        f"/users/{learner.pk}/ilr/aims/add/",
        f"/users/{learner.pk}/ilr/aims/{ilr.deliveries.first().pk}/edit/",
        f"/users/{learner.pk}/ilr/aims/{ilr.deliveries.first().pk}/remove/",
    ):
        assert client.post(url, data).status_code == 302
    fresh = IlrLearner.objects.get(pk=ilr.pk)
    assert fresh.family_name == "Example"
    assert fresh.version == ilr.version
    assert fresh.deliveries.count() == 2


def test_ilr_qa_may_still_edit_a_verified_ilr(as_user, ilr_qa, learner, ilr):
    client = as_user(ilr_qa)
    data = form_data(client.get(f"/users/{learner.pk}/ilr/edit/user/"))
    data["family_name"] = "Changed"
    assert client.post(f"/users/{learner.pk}/ilr/edit/user/", data).status_code == 302
    assert IlrLearner.objects.get(pk=ilr.pk).family_name == "Changed"


def test_the_learners_names_are_locked_on_the_user_edit_form(
    as_user, supervisor, tree, learner, ilr
):
    # The supervisor may edit learners and holds ILR QA; take ILR QA away for this check.
    ilr_manager = make_ilr_manager(tree)
    ilr_manager.roles.add(*supervisor.roles.filter(name="Edit Learner Details"))
    ilr_manager = User.objects.get(pk=ilr_manager.pk)
    client = as_user(ilr_manager)
    response = client.get(f"/users/{learner.pk}/edit/")
    form = response.context["form"]
    assert form.fields["last_name"].disabled
    assert form.fields["first_name"].disabled
    assert "Locked because the ILR was QA verified" in response.content.decode()
    data = form_data(response)
    data["last_name"] = "Changed"
    data["first_name"] = "Changed"
    data["middle_name"] = "Middle"
    assert client.post(f"/users/{learner.pk}/edit/", data).status_code == 302
    learner.refresh_from_db()
    assert learner.last_name == "Smith"
    assert learner.first_name == "John"
    assert learner.middle_name == "Middle"


def test_ilr_qa_may_change_the_names(as_user, supervisor, learner, ilr):
    response = as_user(supervisor).get(f"/users/{learner.pk}/edit/")
    assert not response.context["form"].fields["last_name"].disabled


def test_names_are_not_locked_once_unverified(as_user, tree, ilr_qa, supervisor, learner, ilr):
    services.ilr_unverify(ilr=ilr, reason="Fix", based_on_version=ilr.version, actor=ilr_qa)
    ilr_manager = make_ilr_manager(tree)
    ilr_manager.roles.add(*supervisor.roles.filter(name="Edit Learner Details"))
    response = as_user(User.objects.get(pk=ilr_manager.pk)).get(f"/users/{learner.pk}/edit/")
    assert not response.context["form"].fields["last_name"].disabled
