"""No lost update anywhere (DESIGN.md §8): every form that changes an existing record refuses a
save based on a version someone else has saved since.

Every URL of the URL conf that accepts POST is either a ``STALE`` case below or in
``NOT_AN_EDIT`` with the reason it cannot lose anyone's change; ``test_every_post_view_is_
classified`` fails when a new POST view joins neither, so a new edit view cannot slip past.

Each case reuses the good input of ``test_every_form_is_audited.FORMS``: open the page (GET)
and read the version it carries, change the record behind it as another person through
``aptem.versioning.versioned_update`` (or the record's own service), then send the form opened
before that change. The save must be refused with the conflict message, the other person's
change kept and nothing of the stale form saved.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
from auditlog.context import set_actor
from django.db import transaction

from aptem.versioning import versioned_update
from compliance.models import TemplateVersion
from crm.models import CrmActivity, Note
from documents.models import Document
from programmes.ilr.models import IlrLearner
from programmes.learning import services as learning_services
from programmes.learning.models import (
    Certification,
    EvidenceItem,
    LearnerComponent,
    OtjEntry,
    WizardProgress,
)
from programmes.models import Enrolment, Programme
from programmes.progress.models import FunctionalSkillAssessment, LearnerCourse, Milestone
from reviews.models import Review, ReviewTemplate
from tests.audit.test_every_form_is_audited import (  # noqa: F401 (the cast with the records)
    FORMS,
    NOT_WRITES,
    _fill,
    _made_once,
    _post_url_names,
    learner,
    objects,
    supervisor,
    tree,
    tutor,
)
from trackers.models import Tracker
from users.models import User

# POST views that cannot lose anyone's change, and why. Anything else that accepts POST must be
# a STALE case.
CREATES = "creates a new record; there is no earlier version to overwrite"
NOT_AN_EDIT = {
    "users:create": CREATES,
    "crm:note_add": CREATES,
    "crm:activity_add": CREATES,
    "crm:activity_export": "streams a CSV, or creates a file export job: edits nothing",
    "crm:activity_index_export": "streams a CSV, or creates a file export job: edits nothing",
    "crm:contact_add": CREATES,
    "activity:task_add": CREATES,
    "documents:mandate_upload": CREATES,
    "documents:upload": CREATES,
    "programmes:create": CREATES,
    "programmes:enrol": CREATES,
    "ilr:create": CREATES,
    "ilr:export_start": CREATES + " (an export job)",
    "portal:user_export": "streams a CSV, or creates a file export job: edits nothing",
    "portal:audit_export": "streams a CSV, or creates a file export job: edits nothing",
    "reviews_due:export": "streams a CSV, or creates a file export job: edits nothing",
    "reviews_due:reviews_export": "streams a CSV, or creates a file export job: edits nothing",
    "portal:user_mandates": CREATES + " (a Mandates (PDF) file export job)",
    "reporting:start_again": CREATES + " (a file export job)",
    "reporting:token_list": CREATES + " (a personal API token)",
    "reporting:token_revoke": "revokes a token, which has no other state to be stale against: "
    "revoking twice is the same as once",
    "ilr:import": "imports a file: matching existing learners is the duplicate guard's "
    "job (tests/programmes/ilr/test_import.py), there is no form opened on a version",
    "ilr:import_again": "re-queues a stopped import job, which re-checks each learner as the "
    "import does",
    "progress:milestone_add": CREATES,
    "progress:course_start": CREATES,
    "progress:functional_skill_add": CREATES,
    "learning:plan_component_add": CREATES,
    "learning:plan_certification_add": CREATES,
    "learning:plan_evidence_add": CREATES,
    "learning:otj_add": CREATES,
    "compliance:create": CREATES + " (a new version of the document; earlier ones are kept)",
    "compliance:upload": CREATES + " (a new version of the document; earlier ones are kept)",
    "compliance:template_add": CREATES,
    "reviews:template_add": CREATES,
    "reviews:template_clone": CREATES + " (a copy of another programme's template)",
    "reviews:section_add": CREATES + " (the template's version is checked all the same)",
    "reviews:question_add": CREATES + " (the template's version is checked all the same)",
    "reviews:plan": CREATES,
    "trackers:add": CREATES,
    "trackers:note": CREATES + " (a note is added, never edited)",
    "reviews:start": CREATES + " (a review started without being planned)",
    "compliance:signatures_bulk": CREATES + " (documents), or sends reminders: edits nothing",
    **dict.fromkeys(
        ["compliance:verify", "compliance:reject"],
        "a one-way QA decision on a signed document: once decided the document is no longer "
        "signed-and-waiting, so a second decision is refused rather than overwriting the first",
    ),
    "crm:contact_remove": "deletes a contact link, which has no edit form: no one's change to "
    "it can be lost",
    "activity:task_done": "sets a one-way flag and nothing else (a task has no edit form); "
    "doing it twice is reported as already done, so no change can be overwritten",
    "activity:task_action_plan": "sets a one-way flag and nothing else (a task has no edit "
    "form); doing it twice is reported as already there, so no change can be overwritten",
    "signing:sign": "records a signature once: a row already signed is refused (the link "
    "and the service check it under a row lock), so no signature can be overwritten",
    "signing:portal_sign": "records a signature once, like signing:sign",
    "signing:resend": "rotates a signing link and its expiry, which no form edits: resending "
    "twice leaves one working link",
    "users:unlock": "clears failed sign-in attempts, which no form edits: unlocking twice "
    "leaves the account just as unlocked",
    **dict.fromkeys(
        ["login_code", "account:setup", "account:disable", "account:new_codes"],
        "a person's own two-factor devices, changed only by that person with a live code or "
        "their password: there is no shared record to overwrite",
    ),
    **dict.fromkeys(NOT_WRITES, "not a change of portal data (see test_every_form_is_audited)"),
}


@dataclass
class Stale:
    form_url: str  # the FORMS entry (its url template) whose good input is sent stale
    record: Callable[[dict], object]  # the record behind the form, from the objects fixture
    change: dict  # what the other person changes through versioned_update
    page: str = ""  # where the form is opened, when not at its own URL (POST-only views)


def _user(key):
    return lambda o: User.objects.get(pk=o[key])


def _ilr(key):
    return lambda o: IlrLearner.objects.get(learner_id=o[key])


def _get(model, key):
    return lambda o: model.objects.get(pk=o[key])


THEIRS = {"last_name": "Theirs"}
ILR_CHANGE = {"given_names": "Theirs"}
STALE = [
    Stale("/users/{learner}/edit/", _user("learner"), THEIRS),
    Stale("/users/{learner}/cancel/", _user("learner"), THEIRS),
    Stale("/users/{cancelled}/reinstate/", _user("cancelled"), THEIRS),
    Stale("/users/{learner}/extend/", _user("learner"), THEIRS),
    Stale("/users/{learner}/archive/", _user("learner"), THEIRS),
    Stale("/users/{prospect}/invite/", _user("prospect"), {"email": "new@example.org"}),
    Stale("/users/{learner}/notes/{note}/edit/", _get(Note, "note"), {"text": "Theirs"}),
    Stale(
        "/users/{learner}/activities/{crm_activity}/edit/",
        _get(CrmActivity, "crm_activity"),
        {"subject": "Theirs"},
    ),
    Stale("/programmes/{programme}/edit/", _get(Programme, "programme"), {"name": "Theirs"}),
    Stale(
        "/compliance/templates/{template_version}/edit/",
        _get(TemplateVersion, "template_version"),
        {"label": "Theirs"},
    ),
    *[
        Stale(
            f"/users/{{learner}}/documents/{{document}}/{action}/",
            _get(Document, "document"),
            {"description": "Theirs"},
        )
        for action in ("edit", "replace", "delete")
    ],
    *[
        Stale(
            f"/users/{{learner}}/programmes/{{enrolment}}/{action}/",
            _get(Enrolment, "enrolment"),
            {"weekly_hours": Decimal("20")},
        )
        for action in ("edit", "status", "stop")
    ],
    Stale("/users/{learner}/ilr/edit/user/", _ilr("learner"), ILR_CHANGE),
    Stale("/users/{learner}/ilr/edit/admin/", _ilr("learner"), ILR_CHANGE),
    Stale("/users/{learner}/ilr/aims/add/", _ilr("learner"), ILR_CHANGE),
    Stale("/users/{learner}/ilr/aims/{aim}/edit/", _ilr("learner"), ILR_CHANGE),
    Stale("/users/{learner}/ilr/aims/{aim}/remove/", _ilr("learner"), ILR_CHANGE),
    Stale("/users/{learner}/ilr/employment/{employment}/monitoring/", _ilr("learner"), ILR_CHANGE),
    Stale("/users/{learner}/ilr/qa-verify/", _ilr("learner"), ILR_CHANGE, "/users/{learner}/ilr/"),
    Stale("/users/{verified}/ilr/unverify/", _ilr("verified"), ILR_CHANGE),
    Stale("/users/{learner}/ilr/status/", _ilr("learner"), ILR_CHANGE, "/users/{learner}/ilr/"),
    *[
        Stale(
            f"/users/{{learner}}/milestones/{{milestone}}/{action}/",
            _get(Milestone, "milestone"),
            {"description": "Theirs"},
        )
        for action in ("edit", "delete")
    ],
    Stale(
        "/users/{learner}/courses/{learner_course}/edit/",
        _get(LearnerCourse, "learner_course"),
        {"progress": 77},
    ),
    Stale(
        "/users/{learner}/functional-skills/{assessment}/edit/",
        _get(FunctionalSkillAssessment, "assessment"),
        {"assessor_name": "Theirs"},
    ),
    Stale(
        "/users/{plan_learner}/learning-plan/components/{plan_component}/edit/",
        _get(LearnerComponent, "plan_component"),
        {"title": "Theirs"},
    ),
    Stale(
        "/users/{plan_learner}/learning-plan/components/{plan_spare_component}/remove/",
        _get(LearnerComponent, "plan_spare_component"),
        {"title": "Theirs"},
    ),
    Stale(
        "/users/{plan_learner}/learning-plan/certifications/{plan_certification}/edit/",
        _get(Certification, "plan_certification"),
        {"title": "Theirs"},
    ),
    Stale(
        "/users/{plan_learner}/learning-plan/evidence/{plan_evidence}/decision/",
        _get(EvidenceItem, "plan_evidence"),
        {"description": "Theirs"},
    ),
    Stale(
        "/users/{plan_learner}/otj/{plan_otj}/edit/",
        _get(OtjEntry, "plan_otj"),
        {"description": "Theirs"},
    ),
    Stale(
        "/users/{plan_learner}/otj/{plan_otj}/verify/",
        _get(OtjEntry, "plan_otj"),
        {"description": "Theirs"},
        "/users/{plan_learner}/otj/",
    ),
    Stale("/users/{plan_learner}/otj/fill-ilr/", _ilr("plan_learner"), ILR_CHANGE),
    # The step is not saved yet when the form opens (version 0); the other person saves it first.
    Stale("/users/{plan_learner}/wizard/introduction/", None, {"notes": "Theirs"}),
    Stale("/users/{plan_learner}/wizard/personal/", _ilr("plan_learner"), ILR_CHANGE),
    # The Assessments step saves into the Functional Skills section: an edit made there since
    # the step was opened is not overwritten.
    Stale(
        "/users/{learner}/wizard/assessments/",
        _get(FunctionalSkillAssessment, "assessment"),
        {"score": 66},
    ),
    Stale(
        "/review-templates/{rv_template}/",
        _get(ReviewTemplate, "rv_template"),
        {"name": "Theirs"},
    ),
    Stale(
        "/review-templates/{rv_template}/sections/{rv_section}/edit/",
        _get(ReviewTemplate, "rv_template"),
        {"name": "Theirs"},
    ),
    Stale(
        "/review-templates/{rv_template}/questions/{rv_question}/edit/",
        _get(ReviewTemplate, "rv_template"),
        {"name": "Theirs"},
    ),
    *[
        Stale(
            url,
            _get(ReviewTemplate, "rv_template"),
            {"name": "Theirs"},
            "/review-templates/{rv_template}/",
        )
        for url in (
            "/review-templates/{rv_template}/sections/{rv_section2}/move/up/",
            "/review-templates/{rv_template}/sections/{rv_section2}/delete/",
            "/review-templates/{rv_template}/questions/{rv_question2}/move/up/",
            "/review-templates/{rv_template}/questions/{rv_question2}/delete/",
        )
    ],
    *[
        Stale(
            f"/users/{{rv_learner}}/reviews/{{rv_planned}}/{action}/",
            _get(Review, "rv_planned"),
            {"duration_minutes": 77},
        )
        for action in ("reschedule", "reassign")
    ],
    Stale(
        "/users/{rv_learner}/reviews/{rv_planned}/start/",
        _get(Review, "rv_planned"),
        {"duration_minutes": 77},
        "/users/{rv_learner}/reviews/{rv_planned}/start/?template={rv_template}",
    ),
    Stale(
        "/users/{rv_learner}/reviews/{rv_started}/form/",
        _get(Review, "rv_started"),
        {"duration_minutes": 77},
    ),
    Stale(
        "/users/{tk_learner}/trackers/{tk_tracker}/edit/",
        _get(Tracker, "tk_tracker"),
        {"contact_name": "Theirs"},
    ),
    Stale(
        "/users/{tk_learner}/trackers/{tk_request}/approve/",
        _get(Tracker, "tk_request"),
        {"contact_name": "Theirs"},
        "/users/{tk_learner}/trackers/{tk_request}/",
    ),
    Stale(
        "/users/{tk_learner}/trackers/{tk_request2}/reject/",
        _get(Tracker, "tk_request2"),
        {"contact_name": "Theirs"},
    ),
]


def _form(case: Stale):
    matches = [f for f in FORMS if f.url == case.form_url]
    assert len(matches) == 1, f"no single FORMS entry for {case.form_url}"
    return matches[0]


def test_every_post_view_is_classified():
    versioned = {_form(case).name for case in STALE}
    missing = _post_url_names() - versioned - set(NOT_AN_EDIT)
    assert not missing, (
        f"POST views that are neither a STALE case nor NOT_AN_EDIT (with a reason): {missing}"
    )
    assert not versioned & set(NOT_AN_EDIT)


def test_every_case_is_a_post_view():
    names = _post_url_names()
    assert {_form(case).name for case in STALE} <= names


VERSION_INPUT = re.compile(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"')
CONFLICT_BOX = re.compile(r"Changed since you opened this form</h2>(.*?)</div>", re.DOTALL)
FORM_TAG = re.compile(r'<form[^>]*action="([^"]*)"[^>]*>(.*?)</form>', re.DOTALL)


def _version_on_page(html: str, post_url: str) -> int:
    """The version carried by the form that posts to ``post_url``."""
    for action, body in FORM_TAG.findall(html):
        if action.split("?")[0] == post_url:
            found = VERSION_INPUT.search(body)
            assert found, f"the form posting to {post_url} carries no version"
            return int(found.group(1) or found.group(2))
    raise AssertionError(f"no form posting to {post_url} on the page")


def _change_as(other: User, case: Stale, made: dict):
    """The other person's change, through the same stale-check machinery as the forms."""
    with set_actor(other), transaction.atomic():
        if case.record is None:
            learner = User.objects.get(pk=made["plan_learner"])
            return learning_services.wizard_save_step(
                learner=learner,
                step=WizardProgress.Step.INTRODUCTION,
                data={"explained": True, **case.change},
                based_on_version=0,
                actor=other,
            )
        record = case.record(made)
        return versioned_update(record, case.change, record.version)


@pytest.mark.parametrize("case", STALE, ids=lambda c: c.form_url)
def test_a_stale_form_is_refused_and_the_other_change_kept(
    request,
    client,
    objects,  # noqa: F811 (the audit walk's fixture)
    case,
    settings,
    tmp_path,
    colleague,
):
    settings.MEDIA_ROOT = tmp_path
    form = _form(case)
    client.force_login(request.getfixturevalue(form.actor))
    url = _fill(form.url, objects)
    page = client.get(_fill(case.page, objects) if case.page else url)
    assert page.status_code == 200
    opened_on = _version_on_page(page.content.decode(), url)

    changed = _change_as(colleague, case, objects)

    data = {**_fill(form.data, objects), "version": opened_on}
    response = client.post(url, data, follow=True)
    # Every refusal is the page shown again at 409 (a form, or the list or summary page an
    # action was posted from), never a redirect that loses what changed.
    assert not response.redirect_chain
    assert response.status_code == 409
    assert "Changed since you opened this form" in response.content.decode()
    body = response.content.decode()
    assert re.search(r"(after|since) you opened", body), body[:3000]
    # The conflict names what the other person changed, never just "saved it".
    box = CONFLICT_BOX.search(body).group(1)
    assert "saved it" not in box, box
    assert "saved by someone else" not in box, box
    for value in case.change.values():
        assert str(value) in box, box
    current = type(changed).objects.get(pk=changed.pk)
    assert current.version == changed.version, "the stale form saved something"
    for field, value in case.change.items():
        if case.record is None:
            assert current.data[field] == value
        else:
            assert getattr(current, field) == value, field
