"""users.hooks: the rules apps above users (programmes) add to users' own workflows."""

import pytest

from programmes.ilr.services import archive_refusal, names_lock
from tests.factories import UserFactory
from users import hooks


@pytest.fixture
def no_rules(monkeypatch):
    monkeypatch.setattr(hooks, "_archive_rules", [])
    monkeypatch.setattr(hooks, "_name_lock_rules", [])


def test_programmes_registers_its_rules_when_the_apps_load():
    assert archive_refusal in hooks._archive_rules
    assert names_lock in hooks._name_lock_rules


def test_without_rules_anyone_may_be_archived_and_renamed(db, no_rules):
    learner, viewer = UserFactory(), UserFactory()
    assert hooks.archive_refusal(learner) == ""
    assert hooks.name_lock(learner, viewer) == ""


def test_the_first_rule_that_objects_gives_the_reason(db, no_rules):
    hooks.refuse_archive_when(lambda user: "")
    hooks.refuse_archive_when(lambda user: "On a course that is still running.")
    hooks.refuse_archive_when(lambda user: "Never reached.")
    assert hooks.archive_refusal(UserFactory()) == "On a course that is still running."


def test_a_rule_registered_twice_runs_once(db, no_rules):
    calls = []

    def rule(learner, viewer):
        calls.append(learner)
        return ""

    hooks.lock_names_when(rule)
    hooks.lock_names_when(rule)
    hooks.name_lock(UserFactory(), UserFactory())
    assert len(calls) == 1


def test_a_name_lock_rule_disables_the_names_on_the_learner_edit_form(
    as_user, tutor, learner, no_rules
):
    hooks.lock_names_when(lambda learner, viewer: "Locked while the certificate is printed.")
    response = as_user(tutor).get(f"/users/{learner.pk}/edit/")
    form = response.context["form"]
    assert form.fields["first_name"].disabled
    assert form.fields["last_name"].disabled
    assert "Locked while the certificate is printed." in response.content.decode()
