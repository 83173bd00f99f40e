"""Every form that creates, changes or deletes something writes an audit entry naming the actor
and the changed fields.

``FORMS`` lists each POST form of the portal with good input; ``test_every_form_is_listed``
fails when a URL that accepts POST is added without joining the list (or ``NOT_WRITES``), so
the walk stays complete as the portal grows.
"""

import datetime
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver

from activity.models import Task
from audit.models import AuditEntry
from crm.models import CrmActivity, LearnerContact, Note
from documents.models import Document
from programmes.ilr import services as ilr_services
from tests.conftest import make_learner, make_supervisor, make_tree, make_tutor
from tests.factories import (
    CourseFactory,
    EnrolmentFactory,
    FunctionalSkillFactory,
    LearnerCourseFactory,
    MilestoneFactory,
    OrganisationFactory,
    ProgrammeFactory,
    UserFactory,
    make_ilr,
)
from tests.sample_files import pdf_bytes
from users.models import User

MINIMAL_PDF = pdf_bytes()  # a real one-page PDF: uploads must open as what they claim
MINIMAL_ILR = (
    Path(__file__).parent.parent
    / "programmes"
    / "ilr"
    / "fixtures"
    / "minimal_apprenticeship_example_2526.xml"
)

# URLs that accept POST but do not change portal data (or change it outside the audited models).
# portal:profile_section_state keeps which profile sections the viewer collapses: their own
# display preference, not portal data (tests/portal/test_profile_section_state.py). Opening a
# notification or marking them all read changes only whether the viewer has read their own
# notifications, which are not audited (users/notification_models.py).
NOT_WRITES = {
    "home",
    "login",
    "logout",
    "admin:*",
    "users:activate",
    "portal:profile_section_state",
    "notifications:open",
    "notifications:mark_all_read",
}
# Two-factor forms need a live code from the user's authenticator app (and the session's own
# verification state), so they cannot be walked here; tests/users/test_two_factor.py proves
# each writes its audit entry (turned on, turned off, new recovery codes, recovery-code sign-in).
TWO_FACTOR_FORMS = {"login_code", "account:setup", "account:disable", "account:new_codes"}
# Re-running a stopped ILR import needs a job stopped midway, which this walk cannot make;
# tests/programmes/ilr/test_import_job.py proves the learners it imports are audited.
JOB_ACTIONS = {"ilr:import_again"}
# Signing needs an envelope with its stored PDF and a signer's own link or row, which this walk
# does not make; tests/signing/test_sign_link.py and test_portal_views.py prove that a signature
# (by link or inside the portal) and a resent link each write an entry naming the actor and
# address.
SIGNING_FORMS = {"signing:sign", "signing:portal_sign", "signing:resend"}
# The Export buttons post (above settings.EXPORT_INLINE_MAX_ROWS they start a file export job,
# which writes no change); what they take out is logged as an access entry, proved by
# tests/portal/test_user_export.py, tests/portal/test_audit_export.py and tests/reporting/ (the
# Mandates (PDF) batch logs each PDF on its learner's trail: tests/reporting/test_mandate_batch.py),
# and for the review exports tests/reviews/test_due_page.py and test_export_reviews.py, for the
# CRM activities exports tests/crm/test_activity_export.py.
EXPORTS = {
    "portal:user_export",
    "portal:audit_export",
    "reviews_due:export",
    "reviews_due:reviews_export",
    "crm:activity_export",
    "crm:activity_index_export",
    "portal:user_mandates",
    "reporting:start_again",
}


MGMT = ("TOTAL_FORMS", "INITIAL_FORMS")
# Aim 2 of tests.factories.ilr_values, as the aim form posts it.
AIM = {
    "learn_aim_ref": "50093186",
    "aim_type": "3",
    "aim_seq_number": "2",
    "learn_start_date": "2025-09-01",
    "learn_plan_end_date": "2026-06-30",
    "fund_model": "36",
    "prog_type": "25",
    "std_code": "91",
    "del_loc_post_code": "ZZ99 9ZZ",
    "comp_status": "1",
}
AIM_CHILDREN = {
    "fam-TOTAL_FORMS": "2",
    "fam-INITIAL_FORMS": "2",
    "fam-0-id": "{fam1}",
    "fam-0-learn_del_fam_type": "SOF",
    "fam-0-learn_del_fam_code": "105",
    "fam-1-id": "{fam2}",
    "fam-1-learn_del_fam_type": "ACT",
    "fam-1-learn_del_fam_code": "1",
    "fam-1-learn_del_fam_date_from": "2025-09-01",
    "afin-TOTAL_FORMS": "0",
    "afin-INITIAL_FORMS": "0",
}


@dataclass
class Form:
    name: str
    actor: str  # a cast fixture
    url: str  # formatted with the objects made by setup()
    data: dict[str, Any]
    changed: str  # a field that the audit entry must list


FORMS = [
    Form(
        "reporting:token_list",
        "tutor",
        "/account/api-tokens/",
        {"name": "Power BI", "expires_on": "{token_expiry}"},
        "name",
    ),
    Form(
        "reporting:token_revoke",
        "tutor",
        "/account/api-tokens/{api_token}/revoke/",
        {},
        "revoked_at",
    ),
    Form(
        "users:create",
        "tutor",
        "/users/create/user/",
        {"first_name": "Amara", "last_name": "Okafor", "groups": ["{cohort}"], "invite_now": "no"},
        "last_name",
    ),
    Form(
        "users:create",
        "tutor",
        "/users/create/employer/",
        {
            "first_name": "Ella",
            "last_name": "Boss",
            "email": "ella@acme.example",
            "organisation": "{org}",
            "groups": ["{cohort}"],
            "invite_now": "no",
        },
        "organisation",
    ),
    Form(
        "users:create",
        "tutor",
        "/users/create/referrer/",
        {
            "first_name": "Rita",
            "last_name": "Ref",
            "email": "rita@ref.example",
            "confirm_email": "rita@ref.example",
            "groups": ["{cohort}"],
        },
        "email",
    ),
    Form(
        "users:create",
        "supervisor",
        "/users/create/admin/",
        {
            "first_name": "Ada",
            "last_name": "Min",
            "email": "ada@provider.example",
            "groups": ["{north}"],
        },
        "user_type",
    ),
    Form(
        "users:edit",
        "tutor",
        "/users/{learner}/edit/",
        {
            "first_name": "John",
            "last_name": "Smyth",
            "email": "john.smith@example.com",
            "groups": ["{cohort}"],
            "version": 1,
        },
        "last_name",
    ),
    Form(
        "users:cancel",
        "tutor",
        "/users/{learner}/cancel/",
        {"reason": "Left", "version": 1},
        "subscription_status",
    ),
    Form(
        "users:reinstate",
        "tutor",
        "/users/{cancelled}/reinstate/",
        {"version": 1, "reason": "Back with the employer"},
        "subscription_status",
    ),
    Form(
        "users:extend",
        "tutor",
        "/users/{learner}/extend/",
        {"subscription_end": "2027-12-31", "reason": "Break", "version": 1},
        "subscription_end",
    ),
    Form(
        "users:archive",
        "supervisor",
        "/users/{learner}/archive/",
        {"reason": "Duplicate", "version": 1},
        "subscription_status",
    ),
    Form(
        "users:invite", "tutor", "/users/{prospect}/invite/", {"version": 1}, "invitation_sent_at"
    ),
    Form("users:unlock", "supervisor", "/users/{learner}/unlock/", {}, "sign_in"),
    Form("crm:note_add", "tutor", "/users/{learner}/notes/add/", {"text": "Called"}, "text"),
    Form(
        "crm:note_edit",
        "tutor",
        "/users/{learner}/notes/{note}/edit/",
        {"text": "Called twice", "version": 1},
        "text",
    ),
    Form(
        "crm:contact_add",
        "tutor",
        "/users/{learner}/contacts/add/",
        {"kind": "ADMIN", "admin": "{tutor}", "role": "TUTOR"},
        "role",
    ),
    Form(
        "crm:activity_add",
        "tutor",
        "/users/{learner}/activities/add/",
        {
            "activity_type": "EMAIL",
            "direction": "OUT",
            "occurred_on": "2026-01-06",
            "occurred_time": "09:30",
            "person": "learner",
            "subject": "Sent the timetable",
        },
        "subject",
    ),
    Form(
        "crm:activity_edit",
        "tutor",
        "/users/{learner}/activities/{crm_activity}/edit/",
        {
            "activity_type": "PHONE",
            "direction": "OUT",
            "occurred_on": "2026-01-05",
            "occurred_time": "10:00",
            "person": "learner",
            "subject": "Called about the timetable",
            "version": 1,
        },
        "subject",
    ),
    Form("crm:contact_remove", "tutor", "/users/{learner}/contacts/{contact}/remove/", {}, "role"),
    Form("activity:task_add", "tutor", "/users/{learner}/tasks/add/", {"title": "Revise"}, "title"),
    Form("activity:task_done", "tutor", "/users/{learner}/tasks/{task}/done/", {}, "status"),
    Form(
        "activity:task_action_plan",
        "tutor",
        "/users/{learner}/tasks/{plan_task}/action-plan/",
        {},
        "in_action_plan",
    ),
    Form(
        "documents:mandate_upload",
        "tutor",
        "/users/{learner}/mandate/upload/",
        {"file": "{pdf}"},
        "sha256",
    ),
    Form(
        "reviews:template_add",
        "supervisor",
        "/programmes/{rv_programme}/review-templates/add/",
        {"name": "Gateway", "purpose": "GATEWAY", "checklist": "Portfolio"},
        "name",
    ),
    Form(
        "reviews:template_clone",
        "supervisor",
        "/programmes/{programme}/review-templates/clone/",
        {"source": "{rv_template}"},
        "name",
    ),
    Form(
        "reviews:template_edit",
        "supervisor",
        "/review-templates/{rv_template}/",
        {"name": "Termly review", "purpose": "PROGRESS", "learner_signs": "on", "version": 1},
        "name",
    ),
    Form(
        "reviews:section_add",
        "supervisor",
        "/review-templates/{rv_template}/sections/add/",
        {"title": "Wellbeing", "version": 1},
        "title",
    ),
    Form(
        "reviews:section_edit",
        "supervisor",
        "/review-templates/{rv_template}/sections/{rv_section}/edit/",
        {"title": "Conversation", "version": 1},
        "title",
    ),
    Form(
        "reviews:section_move",
        "supervisor",
        "/review-templates/{rv_template}/sections/{rv_section2}/move/up/",
        {"version": 1},
        "position",
    ),
    Form(
        "reviews:section_delete",
        "supervisor",
        "/review-templates/{rv_template}/sections/{rv_section2}/delete/",
        {"version": 1},
        "title",
    ),
    Form(
        "reviews:question_add",
        "supervisor",
        "/review-templates/{rv_template}/sections/{rv_section}/questions/add/",
        {"kind": "SHORT_TEXT", "text": "Anything else?", "version": 1},
        "text",
    ),
    Form(
        "reviews:question_edit",
        "supervisor",
        "/review-templates/{rv_template}/questions/{rv_question}/edit/",
        {"kind": "LONG_TEXT", "text": "What went really well?", "version": 1},
        "text",
    ),
    Form(
        "reviews:question_move",
        "supervisor",
        "/review-templates/{rv_template}/questions/{rv_question2}/move/up/",
        {"version": 1},
        "position",
    ),
    Form(
        "reviews:question_delete",
        "supervisor",
        "/review-templates/{rv_template}/questions/{rv_question2}/delete/",
        {"version": 1},
        "text",
    ),
    Form(
        "reviews:plan",
        "supervisor",
        "/users/{rv_learner}/reviews/plan/",
        {"planned_for": "2026-06-01", "conductor": "{tutor}"},
        "planned_for",
    ),
    Form(
        "reviews:reschedule",
        "supervisor",
        "/users/{rv_learner}/reviews/{rv_planned}/reschedule/",
        {"planned_for": "2026-07-01", "version": 1},
        "planned_for",
    ),
    Form(
        "reviews:reassign",
        "supervisor",
        "/users/{rv_learner}/reviews/{rv_planned}/reassign/",
        {"conductor": "{tutor}", "version": 1},
        "conductor",
    ),
    Form(
        "reviews:start",
        "supervisor",
        "/users/{rv_learner}/reviews/start/",
        {"template": "{rv_template}", "meeting_type": "VIDEO", "checklist": ["Read the notes"]},
        "meeting_type",
    ),
    Form(
        "reviews:start_planned",
        "supervisor",
        "/users/{rv_learner}/reviews/{rv_planned}/start/",
        {
            "template": "{rv_template}",
            "meeting_type": "VIDEO",
            "checklist": ["Read the notes"],
            "version": 1,
        },
        "meeting_type",
    ),
    Form(
        "reviews:form",
        "supervisor",
        "/users/{rv_learner}/reviews/{rv_started}/form/",
        {
            "action": "save",
            "version": 1,
            "actions-TOTAL_FORMS": "1",
            "actions-INITIAL_FORMS": "0",
            "actions-0-text": "Log OTJ hours",
            "actions-0-due": "2026-06-01",
        },
        "actions",
    ),
    Form(
        "compliance:create",
        "supervisor",
        "/compliance/learners/{comp_learner}/create/{ilr_document}/",
        {},
        "sha256",
    ),
    Form(
        "compliance:upload",
        "supervisor",
        "/compliance/learners/{comp_learner}/upload/{agreement}/",
        {"file": "{pdf}"},
        "sha256",
    ),
    Form(
        "compliance:verify",
        "supervisor",
        "/compliance/learners/{comp_learner}/documents/{comp_signed}/verify/",
        {},
        "status",
    ),
    Form(
        "compliance:reject",
        "supervisor",
        "/compliance/learners/{comp_learner}/documents/{comp_signed}/reject/",
        {"reason": "Unsigned page 2"},
        "rejection_reason",
    ),
    Form(
        "compliance:signatures_bulk",
        "supervisor",
        "/compliance/signatures/bulk/",
        {"action": "create", "rows": ["{comp_enrolment}-{otj_evidence}"]},
        "sha256",
    ),
    Form(
        "compliance:template_add",
        "supervisor",
        "/compliance/templates/add/",
        {
            "document_type": "{ilr_document}",
            "label": "v9",
            "valid_from": "1990-01-01",
            "valid_to": "1990-12-31",
            "body": "<p>x</p>",
        },
        "label",
    ),
    Form(
        "compliance:template_edit",
        "supervisor",
        "/compliance/templates/{template_version}/edit/",
        {
            "document_type": "{ilr_document}",
            "label": "v1 (2009)",
            "valid_from": "2009-02-19",
            "body": "<p>x</p>",
            "version": 1,
        },
        "label",
    ),
    Form(
        "documents:upload",
        "tutor",
        "/users/{learner}/documents/upload/",
        {"file": "{pdf}", "description": "Payslip", "folder": "OWN"},
        "description",
    ),
    Form(
        "documents:edit",
        "tutor",
        "/users/{learner}/documents/{document}/edit/",
        {"description": "Payslip, May", "folder": "OWN", "visible_to_learner": "on", "version": 1},
        "description",
    ),
    Form(
        "documents:replace",
        "tutor",
        "/users/{learner}/documents/{document}/replace/",
        {"file": "{pdf}", "version": 1},
        "sha256",
    ),
    Form(
        "documents:delete",
        "supervisor",
        "/users/{learner}/documents/{document}/delete/",
        {"version": 1},
        "deleted_at",
    ),
    Form(
        "programmes:create",
        "supervisor",
        "/programmes/create/",
        {"name": "Digital Marketer", "code": "DM3", "kind": "DELIVERY", "is_active": "on"},
        "code",
    ),
    Form(
        "programmes:edit",
        "supervisor",
        "/programmes/{programme}/edit/",
        {
            "name": "Data Analyst L4",
            "code": "DA4",
            "kind": "DELIVERY",
            "is_active": "on",
            "version": "1",
            # A component added in the same save (its Components part): audited too.
            "components-TOTAL_FORMS": "1",
            "components-INITIAL_FORMS": "0",
            "components-0-kind": "K",
            "components-0-code": "K1",
            "components-0-title": "Data structures",
            "components-0-order": "1",
        },
        "title",
    ),
    Form(
        "programmes:enrol",
        "supervisor",
        "/users/{learner}/programmes/enrol/",
        {
            "programme": "{onboarding}",
            "start_date": "2026-09-01",
            "planned_end_date": "2027-03-01",
            "weekly_hours": "30",
        },
        "programme",
    ),
    Form(
        "programmes:enrolment_edit",
        "supervisor",
        "/users/{learner}/programmes/{enrolment}/edit/",
        {
            "start_date": "2026-09-01",
            "planned_end_date": "2028-03-01",
            "weekly_hours": "30",
            "version": "1",
        },
        "planned_end_date",
    ),
    Form(
        "programmes:enrolment_status",
        "supervisor",
        "/users/{learner}/programmes/{enrolment}/status/",
        {"status": "ON_A_BREAK", "version": 1},
        "status",
    ),
    Form(
        "ilr:export_start",
        "supervisor",
        "/programmes/ilrs/export/",
        # The ILR here is a Draft, which an export sends only when asked to.
        {"year": "2526", "include_unverified": "on"},
        "last_export_file",
    ),
    Form(
        "ilr:import",
        "supervisor",
        "/programmes/ilrs/import/",
        {"file": "{ilr_xml}", "group": "{cohort}"},
        "learn_ref_number",
    ),
    Form(
        "programmes:enrolment_stop",
        "supervisor",
        "/users/{learner}/programmes/{enrolment}/stop/",
        {"action": "stop", "end_date": "2026-06-01", "withdraw_reason": "44", "version": 1},
        "withdraw_reason",
    ),
    Form(
        "progress:milestone_add",
        "supervisor",
        "/users/{learner}/milestones/add/",
        {
            "enrolment": "{enrolment}",
            "description": "Milestone 1",
            "date": "2026-06-01",
            "employer_weeks_remaining": "20",
            "status": "PROJECTED",
            "claim_status": "NOT_CLAIMED",
        },
        "description",
    ),
    Form(
        "progress:milestone_edit",
        "supervisor",
        "/users/{learner}/milestones/{milestone}/edit/",
        {
            "enrolment": "{enrolment}",
            "description": "Gateway",
            "date": "2026-06-01",
            "status": "ACTIVE",
            "claim_status": "NOT_CLAIMED",
            "version": 1,
        },
        "status",
    ),
    Form(
        "progress:milestone_delete",
        "supervisor",
        "/users/{learner}/milestones/{milestone}/delete/",
        {"version": 1},
        "description",
    ),
    Form(
        "progress:course_start",
        "tutor",
        "/users/{learner}/courses/start/",
        {"course": "{course}", "started_on": "2026-01-10"},
        "course",
    ),
    Form(
        "progress:course_edit",
        "tutor",
        "/users/{learner}/courses/{learner_course}/edit/",
        {"started_on": "2026-01-10", "progress": "30", "status": "IN_PROGRESS", "version": 1},
        "progress",
    ),
    Form(
        "progress:functional_skill_add",
        "tutor",
        "/users/{learner}/functional-skills/add/",
        {
            "subject": "MATHS",
            "kind": "INITIAL",
            "level": "E3",
            "score": "48",
            "assessed_on": "2026-01-10",
            "assessor": "{tutor}",
            "evidence_upload": "{pdf}",
        },
        "evidence_sha256",
    ),
    Form(
        "progress:functional_skill_edit",
        "tutor",
        "/users/{learner}/functional-skills/{assessment}/edit/",
        {
            "subject": "ENGLISH",
            "kind": "EXAM",
            "level": "L2",
            "result": "PASS",
            "assessed_on": "2026-01-10",
            "assessor_name": "Exam board",
            "version": 1,
        },
        "result",
    ),
    *[
        Form("ilr:edit", "supervisor", "/users/{learner}/ilr/edit/user/", data, field)
        for data, field in [
            (
                {
                    "version": "1",
                    "learn_ref_number": "L{learner}",
                    "uln": "1000000043",
                    "given_names": "John",
                    "family_name": "Smythe",
                    "date_of_birth": "2000-05-17",
                    "ethnicity": "31",
                    "sex": "F",
                    "lldd_health_prob": "2",
                    "postcode": "ZZ99 9ZZ",
                    "postcode_prior": "ZZ99 9ZZ",
                    "ni_number": "AB123456C",
                    **{f"{p}-{n}": "0" for p in ("lldd", "prior", "lfam", "emp") for n in MGMT},
                },
                "family_name",
            )
        ]
    ],
    Form(
        "ilr:edit",
        "supervisor",
        "/users/{learner}/ilr/edit/admin/",
        {
            "version": "1",
            "math_grade": "4",
            **{f"{p}-{n}": "0" for p in ("psm", "dest") for n in MGMT},
        },
        "math_grade",
    ),
    Form(
        "ilr:create",
        "supervisor",
        "/users/{prospect}/ilr/create/",
        {
            "learn_ref_number": "NEW1",
            "uln": "1000000043",
            "given_names": "Pat",
            "family_name": "Prospect",
            "date_of_birth": "2000-05-17",
            "ethnicity": "31",
            "sex": "M",
            "lldd_health_prob": "2",
            "postcode": "ZZ99 9ZZ",
            "postcode_prior": "ZZ99 9ZZ",
        },
        "learn_ref_number",
    ),
    Form(
        "ilr:aim_edit",
        "supervisor",
        "/users/{learner}/ilr/aims/{aim}/edit/",
        {**AIM, "version": "1", "p_hours": "100", **AIM_CHILDREN},
        "p_hours",
    ),
    Form(
        "ilr:aim_add",
        "supervisor",
        "/users/{learner}/ilr/aims/add/",
        {
            **AIM,
            "version": "1",
            "aim_seq_number": "3",
            "learn_aim_ref": "60346521",
            "fam-TOTAL_FORMS": "1",
            "fam-INITIAL_FORMS": "0",
            "fam-0-learn_del_fam_type": "SOF",
            "fam-0-learn_del_fam_code": "105",
            "afin-TOTAL_FORMS": "0",
            "afin-INITIAL_FORMS": "0",
        },
        "learn_aim_ref",
    ),
    Form(
        "ilr:aim_remove",
        "supervisor",
        "/users/{learner}/ilr/aims/{aim}/remove/",
        {"version": "1"},
        "learn_aim_ref",
    ),
    Form(
        "ilr:employment_monitoring",
        "supervisor",
        "/users/{learner}/ilr/employment/{employment}/monitoring/",
        {
            "version": "1",
            "esm-TOTAL_FORMS": "1",
            "esm-INITIAL_FORMS": "0",
            "esm-0-esm_type": "SEM",
            "esm-0-esm_code": "1",
        },
        "esm_type",
    ),
    Form(
        "ilr:qa_verify",
        "supervisor",
        "/users/{learner}/ilr/qa-verify/",
        {"version": "1"},
        "episode_status",
    ),
    Form(
        "ilr:unverify",
        "supervisor",
        "/users/{verified}/ilr/unverify/",
        {"version": "2", "reason": "The start date was wrong"},
        "episode_status",
    ),
    Form(
        "ilr:status",
        "supervisor",
        "/users/{learner}/ilr/status/",
        {"version": "1", "episode_status": "LEARNER_SIGNED"},
        "episode_status",
    ),
    # --- Learning plan, off-the-job hours and onboarding wizard (programmes/learning) ---
    Form(
        "learning:plan_component_add",
        "supervisor",
        "/users/{plan_learner}/learning-plan/components/add/",
        {"kind": "S", "code": "S9", "title": "Presenting", "status": "NOT_STARTED"},
        "title",
    ),
    Form(
        "learning:plan_component_edit",
        "supervisor",
        "/users/{plan_learner}/learning-plan/components/{plan_component}/edit/",
        {"kind": "K", "code": "K1", "title": "Data", "status": "IN_PROGRESS", "version": 1},
        "status",
    ),
    Form(
        "learning:plan_component_remove",
        "supervisor",
        "/users/{plan_learner}/learning-plan/components/{plan_spare_component}/remove/",
        {"version": 1},
        "title",
    ),
    Form(
        "learning:plan_certification_add",
        "supervisor",
        "/users/{plan_learner}/learning-plan/certifications/add/",
        {"kind": "CERTIFICATE", "title": "First aid"},
        "title",
    ),
    Form(
        "learning:plan_certification_edit",
        "supervisor",
        "/users/{plan_learner}/learning-plan/certifications/{plan_certification}/edit/",
        {"kind": "QUALIFICATION", "title": "Diploma", "achieved_on": "2026-02-02", "version": 1},
        "achieved_on",
    ),
    Form(
        "learning:plan_evidence_add",
        "supervisor",
        "/users/{plan_learner}/learning-plan/evidence/add/",
        {"component": "{plan_component}", "description": "Report", "date": "2026-02-02"},
        "description",
    ),
    Form(
        "learning:plan_evidence_decide",
        "supervisor",
        "/users/{plan_learner}/learning-plan/evidence/{plan_evidence}/decision/",
        {"decision": "ACCEPTED", "version": 1},
        "decision",
    ),
    Form(
        "learning:otj_add",
        "supervisor",
        "/users/{plan_learner}/otj/add/",
        {"date": "2026-02-02", "hours": "2.5", "activity_type": "ONLINE", "description": "Course"},
        "hours",
    ),
    Form(
        "learning:otj_edit",
        "supervisor",
        "/users/{plan_learner}/otj/{plan_otj}/edit/",
        {
            "date": "2026-02-02",
            "hours": "3",
            "activity_type": "ONLINE",
            "description": "Course",
            "version": 1,
        },
        "hours",
    ),
    Form(
        "learning:otj_verify",
        "supervisor",
        "/users/{plan_learner}/otj/{plan_otj}/verify/",
        {"version": 1},
        "verified_by",
    ),
    Form(
        "learning:otj_fill_ilr",
        "supervisor",
        "/users/{plan_learner}/otj/fill-ilr/",
        {"version": 1},
        "otj_act_hours",
    ),
    Form(
        "learning:wizard_step",
        "supervisor",
        "/users/{plan_learner}/wizard/introduction/",
        {"explained": "on", "version": 0},
        "completed_at",
    ),
    # The Assessments step writes Functional Skills records: the learner's initial English
    # assessment ({assessment}, version 1) is updated, maths and digital ones are created.
    Form(
        "learning:wizard_step",
        "supervisor",
        "/users/{learner}/wizard/assessments/",
        {
            "version": 0,
            "assessed_on": "2026-01-10",
            "assessor_name": "BKSB online assessment",
            "english_level": "L2",
            "english_score": "70",
            "english_version": 1,
            "maths_level": "L1",
            "maths_score": "50",
            "digital_level": "E3",
            "digital_result": "WORKING_AT",
        },
        "level",
    ),
    Form(
        "learning:wizard_step",
        "supervisor",
        "/users/{plan_learner}/wizard/personal/",
        {
            "given_names": "Pat",
            "family_name": "Planner",
            "date_of_birth": "2001-04-03",
            "sex": "F",
            "ethnicity": "31",
            "lldd_health_prob": "2",
            "ni_number": "AB123456C",
            "postcode_prior": "LS1 4AP",
            "postcode": "LS1 4AP",
            "privacy_notice_declared_on": "2026-02-10",
            "version": 1,
        },
        "family_name",
    ),
    Form(
        "trackers:add",
        "supervisor",
        "/users/{tk_learner}/trackers/add/?type=education",
        {"description": "College place from September", "enrolment": "{tk_enrolment}"},
        "description",
    ),
    Form(
        "trackers:edit",
        "supervisor",
        "/users/{tk_learner}/trackers/{tk_tracker}/edit/",
        {"status": "IN_PROGRESS", "description": "Place confirmed", "version": 1},
        "description",
    ),
    Form(
        "trackers:approve",
        "supervisor",
        "/users/{tk_learner}/trackers/{tk_request}/approve/",
        {"version": 1},
        "weekly_hours",
    ),
    Form(
        "trackers:reject",
        "supervisor",
        "/users/{tk_learner}/trackers/{tk_request2}/reject/",
        {"reason": "No letter from the employer", "version": 1},
        "rejection_reason",
    ),
    Form(
        "trackers:note",
        "supervisor",
        "/users/{tk_learner}/trackers/{tk_tracker}/notes/",
        {"text": "Called the college"},
        "text",
    ),
]


@pytest.fixture(scope="module")
def _made_once(django_db_setup, django_db_blocker):
    """The cast and every record the forms act on, made once for the module (about half a
    second a form otherwise) in a transaction rolled back after its last test. Each test runs
    in a savepoint inside it, so what a form changes is undone before the next one; the tests
    read the records by pk only."""
    with django_db_blocker.unblock(), transaction.atomic():
        tree = make_tree()
        cast = {
            "tree": tree,
            "learner": make_learner(tree),
            "tutor": make_tutor(tree),
            "supervisor": make_supervisor(tree),
        }
        yield cast, _objects(cast["tree"], cast["learner"], cast["tutor"], cast["supervisor"])
        transaction.set_rollback(True)


@pytest.fixture
def tree(db, _made_once):
    return _made_once[0]["tree"]


@pytest.fixture
def learner(db, _made_once):
    return _made_once[0]["learner"]


@pytest.fixture
def tutor(db, _made_once):
    return _made_once[0]["tutor"]


@pytest.fixture
def supervisor(db, _made_once):
    return _made_once[0]["supervisor"]


@pytest.fixture
def objects(db, _made_once):
    return _made_once[1]


def _objects(tree, learner, tutor, supervisor) -> dict:

    learner.subscription_end = datetime.date(2027, 1, 31)
    learner.save()
    cancelled = UserFactory(
        groups=[tree["cohort"]],
        subscription_status=User.Status.CANCELLED,
        status_before_cancel=User.Status.FULL_USER,
    )
    prospect = UserFactory(groups=[tree["cohort"]], subscription_status=User.Status.PROSPECT)
    note = Note.objects.create(learner=learner, text="Called", created_by=tutor)
    crm_activity = CrmActivity.objects.create(
        learner=learner,
        activity_type=CrmActivity.Type.PHONE_CALL,
        direction=CrmActivity.Direction.OUTBOUND,
        occurred_at=datetime.datetime(2026, 1, 5, 10, 0, tzinfo=datetime.UTC),
        with_whom=CrmActivity.With.LEARNER,
        subject="Called",
        created_by=tutor,
    )
    contact = LearnerContact.objects.create(
        learner=learner,
        kind=LearnerContact.Kind.ADMIN,
        admin=supervisor,
        role=LearnerContact.Role.ASSESSOR,
        created_by=tutor,
    )
    task = Task.objects.create(learner=learner, title="Open task", created_by=tutor)
    # The row alone: editing, replacing and deleting never read the stored file.
    document = Document.objects.create(
        learner=learner,
        description="Payslip",
        file="documents/document/0123456789abcdef.pdf",
        original_name="payslip.pdf",
        content_type="application/pdf",
        size=100,
        sha256="0" * 64,
        created_by=tutor,
    )
    plan_task = Task.objects.create(learner=learner, title="Plan task", created_by=tutor)
    enrolment = EnrolmentFactory(learner=learner, programme__code="DA4")
    onboarding = ProgrammeFactory(kind="ONBOARDING")
    milestone = MilestoneFactory(learner=learner, enrolment=enrolment)
    ilr = make_ilr(learner)
    aim = ilr.deliveries.get(aim_seq_number=2)
    fams = list(aim.fams.order_by("pk"))
    verified = UserFactory(groups=[tree["cohort"]])
    ilr_services.ilr_qa_verify(ilr=make_ilr(verified), based_on_version=1, actor=supervisor)
    ilr_learner = UserFactory(groups=[tree["cohort"]])
    EnrolmentFactory(learner=ilr_learner, programme__ilr_enabled=True)
    make_ilr(ilr_learner)
    plan = _learning_plan_objects(tree, supervisor)
    compliance = _compliance_objects(tree, supervisor)
    reviews = _review_objects(tree, supervisor)
    trackers = _tracker_objects(tree, tutor)
    return {
        **plan,
        **compliance,
        **reviews,
        **trackers,
        "milestone": milestone.pk,
        "course": CourseFactory().pk,
        "learner_course": LearnerCourseFactory(learner=learner).pk,
        "assessment": FunctionalSkillFactory(learner=learner).pk,
        "aim": aim.pk,
        "employment": ilr.employment_statuses.get().pk,
        "fam1": fams[0].pk,
        "fam2": fams[1].pk,
        "verified": verified.pk,
        "programme": enrolment.programme_id,
        "enrolment": enrolment.pk,
        "onboarding": onboarding.pk,
        "task": task.pk,
        "document": document.pk,
        "plan_task": plan_task.pk,
        "cohort": tree["cohort"].pk,
        "north": tree["north"].pk,
        "learner": learner.pk,
        "cancelled": cancelled.pk,
        "prospect": prospect.pk,
        "note": note.pk,
        "crm_activity": crm_activity.pk,
        "contact": contact.pk,
        "tutor": tutor.pk,
        "org": OrganisationFactory().pk,
        **_api_token_objects(tutor),
    }


def _api_token_objects(tutor) -> dict:
    from reporting.odata.tokens import api_token_create

    in_a_month = datetime.date.today() + datetime.timedelta(days=30)
    token, _ = api_token_create(owner=tutor, name="Excel", expires_on=in_a_month, actor=tutor)
    return {"api_token": token.pk, "token_expiry": in_a_month.isoformat()}


def _compliance_objects(tree, supervisor) -> dict:
    """A learner whose programme requires compliance documents, one signed on paper."""
    from compliance import services as compliance_services
    from compliance.models import DocumentType
    from tests.compliance.factories import required_enrolment

    comp_learner = UserFactory(groups=[tree["cohort"]])
    codes = ["commitment-statement", "ilr-document", "apprenticeship-agreement", "otj-evidence"]
    enrolment = required_enrolment(comp_learner, *codes)
    types = {t.code: t for t in DocumentType.objects.all()}
    upload = SimpleUploadedFile("signed.pdf", MINIMAL_PDF, content_type="application/pdf")
    signed = compliance_services.compliance_document_upload(
        enrolment=enrolment,
        document_type=types["commitment-statement"],
        upload=upload,
        checked=compliance_services.PAPER_COPY.check(upload),
        actor=supervisor,
    )
    return {
        "comp_learner": comp_learner.pk,
        "comp_enrolment": enrolment.pk,
        "comp_signed": signed.pk,
        "ilr_document": types["ilr-document"].pk,
        "agreement": types["apprenticeship-agreement"].pk,
        "otj_evidence": types["otj-evidence"].pk,
        "template_version": types["ilr-document"].versions.get().pk,
    }


def _review_objects(tree, supervisor) -> dict:
    """A learner on a programme with a review template (two sections), a planned review and
    one in progress."""
    from reviews import services as review_services
    from reviews.models import Question, ReviewTemplate, TemplateSection

    rv_learner = UserFactory(groups=[tree["cohort"]])
    enrolment = EnrolmentFactory(learner=rv_learner, is_current=True)
    template = ReviewTemplate.objects.create(
        programme=enrolment.programme, name="Progress review", checklist="Read the notes"
    )
    first = TemplateSection.objects.create(template=template, title="Talk", position=1)
    second = TemplateSection.objects.create(template=template, title="Record", position=2)
    question = Question.objects.create(section=first, position=1, text="What went well?")
    second_question = Question.objects.create(section=first, position=2, text="Concerns?")
    planned = review_services.review_plan(
        enrolment=enrolment,
        planned_for=datetime.date(2026, 5, 1),
        conductor=supervisor,
        template=None,
        actor=supervisor,
    )
    # Not from the template the walk edits: a review using it would make each edit a new version.
    other = ReviewTemplate.objects.create(programme=enrolment.programme, name="Welfare")
    started = review_services.review_start(
        enrolment=enrolment,
        template=other,
        meeting_type="VIDEO",
        checklist_done=[],
        actor=supervisor,
    )
    return {
        "rv_learner": rv_learner.pk,
        "rv_programme": enrolment.programme_id,
        "rv_template": template.pk,
        "rv_section": first.pk,
        "rv_section2": second.pk,
        "rv_question": question.pk,
        "rv_question2": second_question.pk,
        "rv_planned": planned.pk,
        "rv_started": started.pk,
    }


def _tracker_objects(tree, tutor) -> dict:
    """A learner on a programme with an education tracker and two change requests (new weekly
    hours) raised by the tutor, for someone else to approve and reject."""
    from trackers import services as tracker_services
    from trackers.models import TrackerType

    tk_learner = UserFactory(groups=[tree["cohort"]])
    enrolment = EnrolmentFactory(learner=tk_learner, is_current=True, weekly_hours=30)

    def raised(code: str, change: dict | None = None):
        return tracker_services.tracker_create(
            learner=tk_learner,
            tracker_type=TrackerType.objects.get(code=code),
            data={"description": f"A {code} tracker", "enrolment": enrolment},
            change_data=change,
            actor=tutor,
        ).pk

    hours = {"weekly_hours": "20", "effective_date": datetime.date(2026, 6, 1)}
    return {
        "tk_learner": tk_learner.pk,
        "tk_enrolment": enrolment.pk,
        "tk_tracker": raised("education"),
        "tk_request": raised("hours-change", hours),
        "tk_request2": raised("hours-change", hours),
    }


def _learning_plan_objects(tree, supervisor) -> dict:
    """A second learner with a learning plan, an OTJ entry and an ILR (programmes/learning)."""
    from programmes.learning.models import Certification, EvidenceItem
    from tests.factories import LearnerComponentFactory, OtjEntryFactory, make_ilr

    plan_learner = UserFactory(groups=[tree["cohort"]])
    enrolment = EnrolmentFactory(
        learner=plan_learner,
        programme__planned_otj_hours=400,
        start_date=datetime.date(2026, 1, 5),
        planned_end_date=datetime.date(2027, 1, 4),
    )
    component = LearnerComponentFactory(enrolment=enrolment, code="K1", kind="K")
    spare = LearnerComponentFactory(enrolment=enrolment, code="B1", kind="B")
    make_ilr(plan_learner)
    return {
        "plan_learner": plan_learner.pk,
        "plan_component": component.pk,
        "plan_spare_component": spare.pk,
        "plan_certification": Certification.objects.create(
            learner=plan_learner, enrolment=enrolment, title="Diploma"
        ).pk,
        "plan_evidence": EvidenceItem.objects.create(
            learner=plan_learner, component=component, description="x", date=enrolment.start_date
        ).pk,
        "plan_otj": OtjEntryFactory(enrolment=enrolment, created_by=supervisor).pk,
    }


def _fill(value, objects):
    if value == "{pdf}":
        # A fresh upload for every request: a file object is read once.
        return SimpleUploadedFile("mandate.pdf", MINIMAL_PDF, content_type="application/pdf")
    if value == "{ilr_xml}":
        # Another NI number than the cast's learner (who has the file's AB123456C): the import's
        # duplicate guard would rightly refuse to create a second person with it.
        content = MINIMAL_ILR.read_bytes().replace(b"AB123456C", b"AB654321C")
        return SimpleUploadedFile("ILR.xml", content)
    if isinstance(value, dict):
        return {k: _fill(v, objects) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, objects) for v in value]
    return value.format(**objects) if isinstance(value, str) else value


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.url.split("{")[0] + f.name)
def test_the_form_writes_an_audit_entry_with_actor_and_changes(
    request, client, objects, form, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    actor = request.getfixturevalue(form.actor)
    client.force_login(actor)
    before = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = client.post(
        _fill(form.url, objects), _fill(form.data, objects), REMOTE_ADDR="203.0.113.20"
    )
    assert response.status_code == 302, (
        getattr(response, "context", None) and response.context.get("form", {}).errors
    )
    entries = list(AuditEntry.objects.filter(pk__gt=before))
    assert entries, "no audit entry was written"
    assert all(e.actor == actor for e in entries)
    assert all(e.remote_addr == "203.0.113.20" for e in entries)
    assert any(form.changed in (e.changes_dict or {}) for e in entries), [
        e.changes_dict for e in entries
    ]


def _post_url_names(resolver=None, prefix="") -> set[str]:
    names = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            if pattern.namespace == "admin":
                names.add("admin:*")
                continue
            names |= _post_url_names(pattern, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            view = pattern.callback
            allowed = getattr(view, "http_method_names", None) or _allowed_methods(view)
            if "POST" in allowed or "post" in allowed:
                names.add(prefix + pattern.name)
    return names


def _allowed_methods(view) -> set[str]:
    # require_http_methods/require_GET keep the allowed list in the closure of their wrapper.
    for cell in getattr(view, "__closure__", None) or ():
        contents = cell.cell_contents
        if isinstance(contents, list | tuple) and all(isinstance(m, str) for m in contents):
            return set(contents)
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        return {m.upper() for m in view_class.http_method_names}
    return {"GET", "POST"}  # a plain function view accepts anything


def test_every_form_is_listed():
    listed = (
        {f.name for f in FORMS}
        | NOT_WRITES
        | TWO_FACTOR_FORMS
        | JOB_ACTIONS
        | EXPORTS
        | SIGNING_FORMS
    )
    missing = _post_url_names() - listed
    assert not missing, f"POST views without an audit walk case: {sorted(missing)}"
