"""The batch export's filters (issue 11, point 10): each changes which learners are exported,
ILRs not QA verified stay out unless asked, and the finished export shows its filters."""

import datetime

import pytest
from django.contrib.auth.models import Group as Role

from programmes.ilr import export_job
from programmes.ilr.models import IlrExport, IlrLearner
from tests.factories import EnrolmentFactory, ProgrammeFactory, UserFactory, make_ilr

EXPORT = "/programmes/ilrs/export/"
VERIFIED = IlrLearner.EpisodeStatus.QA_VERIFIED


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def ilr_manager(tutor):
    tutor.roles.add(Role.objects.get(name="Manage ILRs"))
    return tutor


@pytest.fixture
def make(tree):
    programme = ProgrammeFactory(ilr_enabled=True)

    def make(group="cohort", status=VERIFIED, start=None):
        learner = UserFactory(groups=[tree[group]])
        EnrolmentFactory(learner=learner, programme=programme)
        ilr = make_ilr(learner)
        ilr.episode_status = status
        ilr.save()
        if start is not None:
            ilr.deliveries.update(learn_start_date=start)
        return ilr

    return make


def _exported(client, **data) -> set[int]:
    response = client.post(EXPORT, {"year": "2526", **data})
    assert response.status_code == 302, response.content.decode()[:2000]
    export = IlrExport.objects.latest("pk")
    assert export.status == IlrExport.Status.READY, export.problems or export.error
    return set(
        IlrLearner.objects.filter(last_export_file=export.file_name).values_list("pk", flat=True)
    )


def _selected(client, viewer, **data) -> set[int]:
    """The ILRs a job selects, whether or not they then pass the rules (moved start dates
    break some rules, which only stops the file, not the selection)."""
    client.post(EXPORT, {"year": "2526", **data})
    export = IlrExport.objects.latest("pk")
    selected = export_job.ilrs_to_export(
        viewer, "2526", export_job.ExportFilters.from_json(export.filters)
    )
    assert export.total == selected.count()
    return set(selected.values_list("pk", flat=True))


def test_by_default_ilrs_not_qa_verified_are_left_out(as_user, ilr_manager, make):
    verified, draft = make(), make(status=IlrLearner.EpisodeStatus.DRAFT)
    assert _exported(as_user(ilr_manager)) == {verified.pk}
    assert draft.pk not in _exported(as_user(ilr_manager))


def test_asking_for_them_includes_ilrs_not_qa_verified(as_user, ilr_manager, make):
    verified, draft = make(), make(status=IlrLearner.EpisodeStatus.DRAFT)
    exported = _exported(as_user(ilr_manager), include_unverified="on")
    assert exported == {verified.pk, draft.pk}


def test_started_after_and_before_narrow_by_first_aim_start(as_user, ilr_manager, make):
    early = make(start=datetime.date(2025, 8, 10))
    middle = make(start=datetime.date(2025, 10, 1))
    late = make(start=datetime.date(2026, 1, 5))
    client, who = as_user(ilr_manager), ilr_manager
    assert _selected(client, who, started_after="2025-09-01") == {middle.pk, late.pk}
    assert _selected(client, who, started_before="2025-12-31") == {early.pk, middle.pk}
    both = {"started_after": "2025-09-01", "started_before": "2025-12-31"}
    assert _selected(client, who, **both) == {middle.pk}


def test_groups_narrow_to_their_learners_and_sub_groups(as_user, ilr_manager, tree, make):
    in_cohort, in_north = make(group="cohort"), make(group="north")
    client = as_user(ilr_manager)
    assert _exported(client, groups=[tree["leeds"].pk]) == {in_cohort.pk}
    assert _exported(client, groups=[tree["north"].pk]) == {in_cohort.pk, in_north.pk}


def test_a_group_outside_the_viewers_scope_is_refused(as_user, ilr_manager, tree, make):
    make()
    response = as_user(ilr_manager).post(EXPORT, {"year": "2526", "groups": [tree["south"].pk]})
    assert response.status_code == 400
    assert "groups" in response.context["export_form"].errors
    assert not IlrExport.objects.exists()


def test_collection_year_is_the_one_chosen(as_user, ilr_manager, make):
    make()
    as_user(ilr_manager).post(EXPORT, {"year": "2526"})
    assert IlrExport.objects.get().collection_year == "2526"
    response = as_user(ilr_manager).post(EXPORT, {"year": "1999"})
    assert response.status_code == 400
    assert IlrExport.objects.count() == 1


def test_after_later_than_before_is_a_clear_error_and_creates_no_job(as_user, ilr_manager, make):
    make()
    response = as_user(ilr_manager).post(
        EXPORT, {"year": "2526", "started_after": "2026-02-01", "started_before": "2026-01-01"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "must be the same as or later than" in body
    assert 'value="2026-02-01"' in body  # what was typed is kept
    assert not IlrExport.objects.exists()


def test_the_filters_are_stored_and_shown_on_the_finished_export(as_user, ilr_manager, tree, make):
    make(start=datetime.date(2025, 10, 1))
    client = as_user(ilr_manager)
    client.post(
        EXPORT,
        {"year": "2526", "started_after": "2025-09-01", "groups": [tree["leeds"].pk]},
    )
    export = IlrExport.objects.get()
    assert export.filters == {
        "started_after": "2025-09-01",
        "started_before": None,
        "groups": [[tree["leeds"].pk, "Leeds"]],
        "include_unverified": False,
    }
    body = client.get(f"/programmes/ilrs/exports/{export.pk}/").content.decode()
    assert "01/09/2025" in body
    assert "Leeds" in body
    assert "left out (QA-verified ILRs only)" in body


def test_the_groups_filter_is_a_tree_of_checkboxes_not_a_ctrl_click_list(
    as_user, ilr_manager, tree
):
    body = as_user(ilr_manager).get("/programmes/ilrs/").content.decode()
    form = body.split('action="/programmes/ilrs/export/"')[1].split("</form>")[0]
    assert "<select" not in form.split('name="year"')[1]  # only the year is a list
    assert f'type="checkbox" name="groups" value="{tree["cohort"].pk}"' in form
    assert 'class="tree-picker-list"' in form
