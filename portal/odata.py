"""The entity sets of the OData reporting feed (reporting.odata), registered when portal is ready.

They read the section apps' models, which only the top floor may import together. Each set says
which rows a reader may see (learner-owned rows: those of learners the reader may see, through
``User.objects.visible_to``), its properties and what each one means; the feed, its $metadata
and the dictionary are all made from these lines. Special-category properties (``sensitive``)
are null for readers without users.view_sensitive_data.

An ILR episode (Episodes) is one learner's ILR record for one collection year
(programmes.IlrLearner): the learner fields the ILR holds for that year, with its aims
(IlrAims) and their financial records, and its destinations below it.
"""

from __future__ import annotations

from django.db.models import QuerySet

from activity.models import Task
from compliance.models import ComplianceDocument
from crm.models import CrmActivity, CrmContact, Note
from programmes.ilr.models import AppFinRecord, DestinationProgression, IlrLearner, LearningDelivery
from programmes.learning.models import EvidenceItem, LearnerComponent, WizardProgress
from programmes.models import Enrolment, Programme
from programmes.progress.models import Milestone
from reporting.odata.schema import EntitySet, Property, learners_of, register
from reviews.models import Answer, Review
from trackers.models import Tracker
from users.models import Group, Organisation, User

P = Property


def owned_by_visible_learners(model, path: str = "learner"):
    """Rows whose learner (at ``path``) the reader may see."""

    def rows(viewer: User) -> QuerySet:
        return model.objects.filter(**{f"{path}__in": learners_of(viewer)})

    return rows


def everyone(model):
    def rows(viewer: User) -> QuerySet:
        return model.objects.all()

    return rows


ID = P("Id", "id", "The record's number, unique in this table.")
LEARNER = P("LearnerId", "learner_id", "The learner (Users.Id).")
CREATED_AT = P("CreatedAt", "created_at", "When the record was made.")
CREATED_BY = P("CreatedById", "created_by_id", "Who made it (Users.Id of an administrator).")
ENROLMENT = P("EnrolmentId", "enrolment_id", "The learner's programme enrolment (Enrolments.Id).")

register(
    EntitySet(
        name="Users",
        model=User,
        description=(
            "Everyone in the portal the reader may see: learners (user type LEARNER), employers, "
            "referrers, and administrators for readers who may supervise them."
        ),
        rows=lambda viewer: User.objects.visible_to(viewer),
        properties=[
            ID,
            P("UserType", "user_type", "LEARNER, EMPLOYER, REFERRER or ADMINISTRATOR."),
            P("Title", "title", "Title (Mr, Ms, Dr...)."),
            P("FirstName", "first_name", "First name."),
            P("MiddleName", "middle_name", "Middle names."),
            P("LastName", "last_name", "Surname."),
            P("PreferredName", "preferred_name", "The name they prefer to be called."),
            P("Email", "email", "Email address, used to sign in.", example="jo@example.org"),
            P("PersonalEmail", "personal_email", "Personal email address."),
            P("Mobile", "mobile", "Mobile phone number."),
            P("Landline", "landline", "Landline phone number."),
            P("AddressLine1", "address_line_1", "Address, first line."),
            P("AddressLine2", "address_line_2", "Address, second line."),
            P("Town", "town", "Town."),
            P("County", "county", "County."),
            P("Postcode", "postcode", "Postcode.", example="SW1A 1AA"),
            P("ReferenceNumber", "reference_number", "The provider's own reference number."),
            P("Uln", "uln", "Unique Learner Number (10 digits).", sensitive=True),
            P("NiNumber", "ni_number", "National Insurance number.", sensitive=True),
            P("DateOfBirth", "date_of_birth", "Date of birth.", sensitive=True),
            P("Sex", "sex", "Sex as recorded for the ILR (M or F)."),
            P("JobTitle", "job_title", "Job title."),
            P("CaseOwnerId", "case_owner_id", "The administrator who owns the case (Users.Id)."),
            P("OrganizationId", "organisation_id", "Employer organisation (Organizations.Id)."),
            P("ManagerId", "manager_id", "The learner's manager at the employer (Users.Id)."),
            P("MentorId", "mentor_id", "The learner's mentor at the employer (Users.Id)."),
            P(
                "ReferrerOrganizationId",
                "referrer_organisation_id",
                "The organisation that referred them (Organizations.Id).",
            ),
            P(
                "SubscriptionStatus",
                "subscription_status",
                "PROSPECT, INVITED, FULL_USER, EXPIRED, CANCELLED or ARCHIVED.",
            ),
            P("SubscriptionStart", "subscription_start", "When the subscription started."),
            P("SubscriptionEnd", "subscription_end", "When the subscription ends."),
            P("InvitationSentAt", "invitation_sent_at", "When the invitation was sent."),
            P("InvitationAcceptedAt", "invitation_accepted_at", "When it was accepted."),
            P("IsActive", "is_active", "Whether they may sign in."),
            P("CurrentProgrammeId", "current_programme_id", "Current enrolment (Enrolments.Id)."),
            P("CurrentProgrammeName", "current_programme_name", "Current programme's name."),
            P("CurrentProgrammeStatus", "current_programme_status", "Current programme status."),
            CREATED_AT,
            P("UpdatedAt", "updated_at", "When the record last changed."),
        ],
    )
)

register(
    EntitySet(
        name="Groups",
        model=Group,
        description="The groups (regions, centres, cohorts...) the reader may see.",
        rows=lambda viewer: Group.objects.visible_to(viewer),
        properties=[
            ID,
            P("Name", "name", "The group's name."),
            P("Path", "path", "Its place in the group tree: a parent's path starts its own."),
            P("Depth", "depth", "How deep in the tree (1: a top group)."),
            CREATED_AT,
        ],
    )
)

Membership = User.groups.through


def _memberships(viewer: User) -> QuerySet:
    return Membership.objects.filter(
        user__in=User.objects.visible_to(viewer).values("pk"),
        group__in=Group.objects.visible_to(viewer).values("pk"),
    )


register(
    EntitySet(
        name="UserGroups",
        model=Membership,
        description="Which user is in which group (users and groups the reader may see).",
        rows=_memberships,
        properties=[
            ID,
            P("UserId", "user_id", "The user (Users.Id)."),
            P("GroupId", "group_id", "The group (Groups.Id)."),
        ],
    )
)

register(
    EntitySet(
        name="Organizations",
        model=Organisation,
        description="Employers, referrers and suppliers.",
        rows=everyone(Organisation),
        properties=[
            ID,
            P("Name", "name", "The organisation's name."),
            P("Kind", "kind", "EMPLOYER, REFERRER or SUPPLIER."),
            P("Email", "email", "Email address."),
            P("Phone", "phone", "Phone number."),
            P("AddressLine1", "address_line_1", "Address, first line."),
            P("Town", "town", "Town."),
            P("Postcode", "postcode", "Postcode."),
            P("OwnerId", "owner_id", "The administrator who owns it (Users.Id)."),
            CREATED_AT,
        ],
    )
)

register(
    EntitySet(
        name="OrganizationContacts",
        model=CrmContact,
        description="CRM contacts: people at organisations (and ad hoc contacts).",
        rows=everyone(CrmContact),
        properties=[
            ID,
            P("OrganizationId", "organisation_id", "Their organisation (Organizations.Id)."),
            P("FirstName", "first_name", "First name."),
            P("LastName", "last_name", "Surname."),
            P("Email", "email", "Email address."),
            P("Phone", "phone", "Phone number."),
            P("Extension", "extension", "Phone extension."),
            P("JobTitle", "job_title", "Job title."),
            P("IsAdHoc", "is_ad_hoc", "Added for one learner rather than from the CRM."),
            CREATED_AT,
            CREATED_BY,
        ],
    )
)

register(
    EntitySet(
        name="Programmes",
        model=Programme,
        description="The programmes (apprenticeship standards and courses) learners enrol on.",
        rows=everyone(Programme),
        properties=[
            ID,
            P("Name", "name", "The programme's name."),
            P("Code", "code", "The provider's code for it."),
            P("Kind", "kind", "What kind of programme it is."),
            P("IsApprenticeship", "is_apprenticeship", "Whether it is an apprenticeship."),
            P("StandardCode", "standard_code", "The apprenticeship standard's code."),
            P("Level", "level", "Its level."),
            P("DurationMonths", "duration_months", "Planned length in months."),
            P("WeeklyHours", "weekly_hours", "Planned weekly hours."),
            P("IsActive", "is_active", "Whether learners can still be enrolled on it."),
            CREATED_AT,
        ],
    )
)

register(
    EntitySet(
        name="Enrolments",
        model=Enrolment,
        description="Learners' enrolments on programmes, with their status.",
        rows=owned_by_visible_learners(Enrolment),
        properties=[
            ID,
            LEARNER,
            P("ProgrammeId", "programme_id", "The programme (Programmes.Id)."),
            P("Status", "status", "ONBOARDING, ACTIVE, ON_A_BREAK, COMPLETE, WITHDRAWN..."),
            P("IsCurrent", "is_current", "Whether it is the learner's current programme."),
            P("StartDate", "start_date", "Start date."),
            P("PlannedEndDate", "planned_end_date", "Planned end date."),
            P("EmployerStartDate", "employer_start_date", "Start date with the employer."),
            P("WeeklyHours", "weekly_hours", "Weekly hours."),
            P("EndDate", "end_date", "Actual end date."),
            P("WithdrawReason", "withdraw_reason", "Why it stopped (WithdrawalReasons.Code)."),
            CREATED_AT,
        ],
    )
)

register(
    EntitySet(
        name="Episodes",
        model=IlrLearner,
        description=(
            "ILR episodes: one learner's Individualised Learner Record for one collection year, "
            "the learner fields the ILR reports."
        ),
        rows=owned_by_visible_learners(IlrLearner),
        properties=[
            ID,
            LEARNER,
            P("CollectionYear", "collection_year", "The ILR collection year (2526: 2025-26)."),
            P("EpisodeStatus", "episode_status", "Where the record is in its QA and export."),
            P("QaVerifiedAt", "qa_verified_at", "When the record passed ILR QA."),
            P("LastExportedAt", "last_exported_at", "When it was last exported."),
            P("LearnRefNumber", "learn_ref_number", "LearnRefNumber."),
            P("Uln", "uln", "ULN as reported on the ILR.", sensitive=True),
            P("FamilyName", "family_name", "FamilyName."),
            P("GivenNames", "given_names", "GivenNames."),
            P("DateOfBirth", "date_of_birth", "DateOfBirth.", sensitive=True),
            P("Ethnicity", "ethnicity", "Ethnicity code.", sensitive=True),
            P("Sex", "sex", "Sex."),
            P("LlddHealthProb", "lldd_health_prob", "LLDDHealthProb code.", sensitive=True),
            P("NiNumber", "ni_number", "NINumber.", sensitive=True),
            P("PostcodePrior", "postcode_prior", "PostcodePrior."),
            P("Postcode", "postcode", "Postcode."),
            P("PlanLearnHours", "plan_learn_hours", "PlanLearnHours."),
            P("PlanEepHours", "plan_eep_hours", "PlanEEPHours."),
            P("MathGrade", "math_grade", "MathGrade."),
            P("EngGrade", "eng_grade", "EngGrade."),
            CREATED_AT,
            P("UpdatedAt", "updated_at", "When the record last changed."),
        ],
    )
)

register(
    EntitySet(
        name="IlrAims",
        model=LearningDelivery,
        description="ILR learning aims (LearningDelivery) of each episode.",
        rows=owned_by_visible_learners(LearningDelivery, "ilr__learner"),
        properties=[
            ID,
            P("EpisodeId", "ilr_id", "The ILR episode (Episodes.Id)."),
            P("LearnerId", "ilr__learner_id", "The learner (Users.Id)."),
            P("EnrolmentId", "enrolment_id", "The enrolment it belongs to (Enrolments.Id)."),
            P("LearnAimRef", "learn_aim_ref", "LearnAimRef.", example="ZPROG001"),
            P("AimType", "aim_type", "AimType."),
            P("AimSeqNumber", "aim_seq_number", "AimSeqNumber."),
            P("LearnStartDate", "learn_start_date", "LearnStartDate."),
            P("OrigLearnStartDate", "orig_learn_start_date", "OrigLearnStartDate."),
            P("LearnPlanEndDate", "learn_plan_end_date", "LearnPlanEndDate."),
            P("FundModel", "fund_model", "FundModel."),
            P("ProgType", "prog_type", "ProgType."),
            P("StdCode", "std_code", "StdCode."),
            P("CompStatus", "comp_status", "CompStatus."),
            P("LearnActEndDate", "learn_act_end_date", "LearnActEndDate."),
            P("WithdrawReason", "withdraw_reason", "WithdrawReason."),
            P("Outcome", "outcome", "Outcome."),
            P("AchDate", "ach_date", "AchDate."),
            P("OutGrade", "out_grade", "OutGrade."),
            P("EpaOrgId", "epa_org_id", "EPAOrgID."),
        ],
    )
)

register(
    EntitySet(
        name="ApprenticeshipFinancialRecords",
        model=AppFinRecord,
        description="ILR apprenticeship financial records (AppFinRecord) of each aim.",
        rows=owned_by_visible_learners(AppFinRecord, "delivery__ilr__learner"),
        properties=[
            ID,
            P("IlrAimId", "delivery_id", "The aim (IlrAims.Id)."),
            P("AFinType", "afin_type", "AFinType (TNP or PMR)."),
            P("AFinCode", "afin_code", "AFinCode."),
            P("AFinDate", "afin_date", "AFinDate."),
            P("AFinAmount", "afin_amount", "AFinAmount, whole pounds."),
        ],
    )
)

register(
    EntitySet(
        name="DestinationProgressions",
        model=DestinationProgression,
        description="ILR destination and progression records of each episode.",
        rows=owned_by_visible_learners(DestinationProgression, "ilr__learner"),
        properties=[
            ID,
            P("EpisodeId", "ilr_id", "The ILR episode (Episodes.Id)."),
            P("OutType", "out_type", "OutType."),
            P("OutCode", "out_code", "OutCode."),
            P("OutStartDate", "out_start_date", "OutStartDate."),
            P("OutEndDate", "out_end_date", "OutEndDate."),
            P("OutCollDate", "out_coll_date", "OutCollDate."),
        ],
    )
)

register(
    EntitySet(
        name="Notes",
        model=Note,
        description="Notes written on learners' profiles.",
        rows=owned_by_visible_learners(Note),
        properties=[
            ID,
            LEARNER,
            P("Text", "text", "What the note says."),
            CREATED_AT,
            CREATED_BY,
            P("UpdatedAt", "updated_at", "When it last changed."),
        ],
    )
)

register(
    EntitySet(
        name="CrmActivities",
        model=CrmActivity,
        description="CRM activities logged with learners (calls, emails, meetings, visits...).",
        rows=owned_by_visible_learners(CrmActivity),
        properties=[
            ID,
            LEARNER,
            P("ActivityType", "activity_type", "Phone call, email, meeting, visit and so on."),
            P("Direction", "direction", "Outbound (we contacted them) or inbound."),
            P("OccurredAt", "occurred_at", "When the activity took place."),
            P("DurationMinutes", "duration_minutes", "How long it took, in minutes."),
            P(
                "WithWhom",
                "with_whom",
                "Whom it was with: the learner, an employer contact or a CRM contact.",
            ),
            P("EmployerContactId", "employer_contact_id", "The employer contact it was with."),
            P(
                "CrmContactId",
                "crm_contact_id",
                "The CRM contact it was with (OrganizationContacts).",
            ),
            P("Subject", "subject", "What it was about."),
            P("Notes", "notes", "What was said or done."),
            P("Outcome", "outcome", "How it ended."),
            P("FollowUpOn", "follow_up_on", "The follow-up date, if one was set."),
            P("FollowUpTaskId", "follow_up_task_id", "The task the follow-up became (Tasks)."),
            CREATED_AT,
            CREATED_BY,
            P("UpdatedAt", "updated_at", "When it last changed."),
        ],
    )
)

register(
    EntitySet(
        name="Tasks",
        model=Task,
        description="Tasks set for learners.",
        rows=owned_by_visible_learners(Task),
        properties=[
            ID,
            LEARNER,
            P("Title", "title", "What is to be done."),
            P("DueDate", "due_date", "When it is due."),
            P("Status", "status", "Its status."),
            P("InActionPlan", "in_action_plan", "Whether it is in the learner's action plan."),
            P("CompletedAt", "completed_at", "When it was completed."),
            CREATED_AT,
            CREATED_BY,
        ],
    )
)

register(
    EntitySet(
        name="Milestones",
        model=Milestone,
        description="Programme milestones and their claims.",
        rows=owned_by_visible_learners(Milestone),
        properties=[
            ID,
            LEARNER,
            ENROLMENT,
            P("Description", "description", "What the milestone is."),
            P("Date", "date", "When it is due."),
            P("Status", "status", "Its status."),
            P("ClaimStatus", "claim_status", "Where its claim is."),
            P("AchievementDate", "achievement_date", "When it was achieved."),
            P("PaymentAmount", "payment_amount", "The payment claimed."),
            P("PaidDate", "paid_date", "When it was paid."),
            P("DebitAmount", "debit_amount", "Any amount debited."),
            P("DebitDate", "debit_date", "When it was debited."),
            CREATED_AT,
        ],
    )
)

register(
    EntitySet(
        name="LearningPlanComponents",
        model=LearnerComponent,
        description="The components (units, qualifications) of each learner's learning plan.",
        rows=owned_by_visible_learners(LearnerComponent),
        properties=[
            ID,
            LEARNER,
            ENROLMENT,
            P("Kind", "kind", "What kind of component."),
            P("Code", "code", "Its code."),
            P("Title", "title", "Its title."),
            P("Order", "order", "Its place in the plan."),
            P("Status", "status", "Its status."),
            P("CompletedOn", "completed_on", "When it was completed."),
            CREATED_AT,
        ],
    )
)

register(
    EntitySet(
        name="LearningPlanEvidences",
        model=EvidenceItem,
        description="Evidence recorded against learning plan components.",
        rows=owned_by_visible_learners(EvidenceItem),
        properties=[
            ID,
            LEARNER,
            P("ComponentId", "component_id", "The component (LearningPlanComponents.Id)."),
            P("Description", "description", "What the evidence is."),
            P("Date", "date", "Its date."),
            P("OriginalName", "original_name", "The uploaded file's name."),
            P("Decision", "decision", "The assessor's decision."),
            P("DecisionNote", "decision_note", "The assessor's note."),
            P("DecidedById", "decided_by_id", "Who decided (Users.Id)."),
            P("DecidedAt", "decided_at", "When."),
            CREATED_AT,
        ],
    )
)

register(
    EntitySet(
        name="OnboardingResponses",
        model=WizardProgress,
        description="Each learner's answers to the onboarding wizard's steps.",
        rows=owned_by_visible_learners(WizardProgress),
        properties=[
            ID,
            LEARNER,
            P("Step", "step", "The wizard step."),
            P("Data", "data", "The answers given at that step, as JSON text."),
            P("CompletedAt", "completed_at", "When the step was completed."),
            P("CompletedById", "completed_by_id", "Who completed it (Users.Id)."),
            P("UpdatedAt", "updated_at", "When it last changed."),
        ],
    )
)

register(
    EntitySet(
        name="Reviews",
        model=Review,
        description="Progress reviews.",
        rows=owned_by_visible_learners(Review),
        properties=[
            ID,
            LEARNER,
            ENROLMENT,
            P("TemplateId", "template_id", "The review template used."),
            P("Status", "status", "Its status."),
            P("MeetingType", "meeting_type", "How the meeting was held."),
            P("ConductorId", "conductor_id", "Who held it (Users.Id)."),
            P("PlannedFor", "planned_for", "When it is planned."),
            P("HeldOn", "held_on", "When it was held."),
            P("DurationMinutes", "duration_minutes", "How long it took."),
            P("CompletedAt", "completed_at", "When it was completed."),
            P("SignaturesReceived", "signatures_received", "Signatures received so far."),
            CREATED_AT,
        ],
    )
)

register(
    EntitySet(
        name="ReviewResponses",
        model=Answer,
        description="The answers given to each review's questions.",
        rows=owned_by_visible_learners(Answer, "review__learner"),
        properties=[
            ID,
            P("ReviewId", "review_id", "The review (Reviews.Id)."),
            P("QuestionId", "question_id", "The question's number."),
            P("Question", "question__text", "The question asked."),
            P("Value", "value", "The answer given."),
        ],
    )
)

register(
    EntitySet(
        name="Trackers",
        model=Tracker,
        description="Trackers (placements, employer changes...) with their status.",
        rows=owned_by_visible_learners(Tracker),
        properties=[
            ID,
            LEARNER,
            P("TrackerTypeId", "tracker_type_id", "The tracker type's number."),
            P("TrackerType", "tracker_type__name", "The tracker type's name."),
            P("Status", "status", "Its status."),
            P("AssigneeId", "assignee_id", "Who it is assigned to (Users.Id)."),
            ENROLMENT,
            P("OrganizationId", "organisation_id", "The organisation (Organizations.Id)."),
            P("StartDate", "start_date", "Start date."),
            P("EndDate", "end_date", "End date."),
            P("ContractType", "contract_type", "Contract type."),
            P("WeeklyHours", "weekly_hours", "Weekly hours."),
            P("HourlyRate", "hourly_rate", "Hourly rate in pounds."),
            P("RiskRating", "risk_rating", "Risk rating."),
            P("DecidedById", "decided_by_id", "Who decided it (Users.Id)."),
            P("DecidedAt", "decided_at", "When."),
            CREATED_AT,
            P("UpdatedAt", "updated_at", "When it last changed."),
        ],
    )
)

register(
    EntitySet(
        name="ComplianceDocuments",
        model=ComplianceDocument,
        description="Compliance documents (agreements, plans...) and their QA state.",
        rows=owned_by_visible_learners(ComplianceDocument),
        properties=[
            ID,
            LEARNER,
            ENROLMENT,
            P("DocumentTypeId", "document_type_id", "The document type's number."),
            P("DocumentType", "document_type__name", "The document type's name."),
            P("Number", "number", "Its number among the learner's documents of this type."),
            P("Status", "status", "Its status."),
            P("OriginalName", "original_name", "The uploaded file's name."),
            P("QaById", "qa_by_id", "Who checked it (Users.Id)."),
            P("QaAt", "qa_at", "When."),
            CREATED_AT,
            P("UpdatedAt", "updated_at", "When it last changed."),
        ],
    )
)


def _withdrawal_reasons() -> list[dict]:
    return [
        {"Code": code, "Description": label.split(": ", 1)[-1]}
        for code, label in Enrolment.WithdrawReason.choices
    ]


register(
    EntitySet(
        name="WithdrawalReasons",
        model=None,
        description="The ILR withdrawal reason codes (Enrolments.WithdrawReason, IlrAims).",
        rows=None,
        items=_withdrawal_reasons,
        key="Code",
        properties=[
            P("Code", "Code", "The ILR WithdrawReason code.", edm_type="Edm.String", max_length=2),
            P(
                "Description",
                "Description",
                "What the code means.",
                edm_type="Edm.String",
                max_length=200,
            ),
        ],
    )
)
