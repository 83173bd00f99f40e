"""The programmes app's areas each have their own URL namespace (ilr:, learning:, progress:)
while every path stays where users' bookmarks expect it."""

import pytest
from django.urls import NoReverseMatch, resolve, reverse

PATHS = [
    ("programmes:list", [], "/programmes/"),
    ("programmes:enrolment_edit", [7, 3], "/users/7/programmes/3/edit/"),
    ("ilr:detail", [7], "/users/7/ilr/"),
    ("ilr:create", [7], "/users/7/ilr/create/"),
    ("ilr:edit", [7, "admin"], "/users/7/ilr/edit/admin/"),
    ("ilr:aim_add", [7], "/users/7/ilr/aims/add/"),
    ("ilr:aim_edit", [7, 3], "/users/7/ilr/aims/3/edit/"),
    ("ilr:aim_remove", [7, 3], "/users/7/ilr/aims/3/remove/"),
    ("ilr:employment_monitoring", [7, 3], "/users/7/ilr/employment/3/monitoring/"),
    ("ilr:qa_verify", [7], "/users/7/ilr/qa-verify/"),
    ("ilr:unverify", [7], "/users/7/ilr/unverify/"),
    ("ilr:status", [7], "/users/7/ilr/status/"),
    ("ilr:export_learner", [7, "2526"], "/users/7/ilr/2526/export.xml"),
    ("ilr:manage", [], "/programmes/ilrs/"),
    ("ilr:export_start", [], "/programmes/ilrs/export/"),
    ("ilr:export_detail", [3], "/programmes/ilrs/exports/3/"),
    ("ilr:export_download", [3], "/programmes/ilrs/exports/3/download/"),
    ("ilr:import", [], "/programmes/ilrs/import/"),
    ("ilr:import_detail", [7], "/programmes/ilrs/imports/7/"),
    ("ilr:import_again", [7], "/programmes/ilrs/imports/7/again/"),
    ("learning:plan_overview", [7], "/users/7/learning-plan/"),
    ("learning:plan_component_add", [7], "/users/7/learning-plan/components/add/"),
    ("learning:plan_component_edit", [7, 3], "/users/7/learning-plan/components/3/edit/"),
    ("learning:plan_component_remove", [7, 3], "/users/7/learning-plan/components/3/remove/"),
    ("learning:plan_certification_add", [7], "/users/7/learning-plan/certifications/add/"),
    ("learning:plan_certification_edit", [7, 3], "/users/7/learning-plan/certifications/3/edit/"),
    ("learning:plan_evidence_add", [7], "/users/7/learning-plan/evidence/add/"),
    ("learning:plan_evidence_decide", [7, 3], "/users/7/learning-plan/evidence/3/decision/"),
    ("learning:plan_evidence_download", [7, 3], "/users/7/learning-plan/evidence/3/download/"),
    ("learning:otj_list", [7], "/users/7/otj/"),
    ("learning:otj_add", [7], "/users/7/otj/add/"),
    ("learning:otj_edit", [7, 3], "/users/7/otj/3/edit/"),
    ("learning:otj_verify", [7, 3], "/users/7/otj/3/verify/"),
    ("learning:otj_fill_ilr", [7], "/users/7/otj/fill-ilr/"),
    ("learning:wizard_overview", [7], "/users/7/wizard/"),
    ("learning:wizard_step", [7, "advice"], "/users/7/wizard/advice/"),
    ("progress:milestone_list", [7], "/users/7/milestones/"),
    ("progress:milestone_add", [7], "/users/7/milestones/add/"),
    ("progress:milestone_detail", [7, 3], "/users/7/milestones/3/"),
    ("progress:milestone_edit", [7, 3], "/users/7/milestones/3/edit/"),
    ("progress:milestone_delete", [7, 3], "/users/7/milestones/3/delete/"),
    ("progress:course_list", [7], "/users/7/courses/"),
    ("progress:course_start", [7], "/users/7/courses/start/"),
    ("progress:course_edit", [7, 3], "/users/7/courses/3/edit/"),
    ("progress:functional_skill_list", [7], "/users/7/functional-skills/"),
    ("progress:functional_skill_add", [7], "/users/7/functional-skills/add/"),
    ("progress:functional_skill_edit", [7, 3], "/users/7/functional-skills/3/edit/"),
    ("progress:functional_skill_evidence", [7, 3], "/users/7/functional-skills/3/evidence/"),
]


@pytest.mark.parametrize(("name", "args", "path"), PATHS)
def test_each_page_keeps_its_path_under_its_areas_namespace(name, args, path):
    assert reverse(name, args=args) == path
    match = resolve(path)
    assert match.view_name == name
    assert match.namespace == name.split(":")[0]


@pytest.mark.parametrize(
    "old_name",
    [
        "programmes:ilr_detail",
        "programmes:ilr_manage",
        "programmes:plan_overview",
        "programmes:otj_list",
        "programmes:wizard_overview",
        "programmes:milestone_list",
        "programmes:course_list",
        "programmes:functional_skill_list",
        "programmes:ilr:detail",
    ],
)
def test_the_old_merged_programmes_names_are_gone(old_name):
    with pytest.raises(NoReverseMatch):
        reverse(old_name, args=[7])
