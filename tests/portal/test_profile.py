import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry
from tests.crm.factories import CrmLinkFactory
from tests.factories import EnrolmentFactory, OrganisationFactory, UserFactory
from users.email_models import OutboundEmail
from users.models import User


def url(user, action=""):
    return f"/users/{user.pk}/{action + '/' if action else ''}"


def test_profile_header_shows_status_reference_case_owner_groups_and_contact_line(
    as_user, tutor, learner
):
    learner.reference_number = "MIS-7"
    learner.case_owner = tutor
    learner.mobile = "07700 900123"
    learner.save()
    body = as_user(tutor).get(url(learner)).content.decode()
    assert "Reference MIS-7" in body
    assert "Case owner Tara Tutor" in body
    assert "Groups: Leeds cohort" in body
    assert "john.smith@example.com · 07700 900123" in body


def test_learner_profile_shows_the_sections_in_order(as_user, tutor, learner):
    response = as_user(tutor).get(url(learner))
    keys = [item["section"].key for item in response.context["sections"]]
    assert keys == [
        "activity",
        "programmes",
        "functional-skills",
        "reviews",
        "trackers",
        "milestones",
        "notes",
        "courses",
        "contacts",
        "crm-activities",
        "compliance",
        "review-documents",
        "documents",
        "subscription",
        "audit",
    ]


def test_employer_profile_lists_the_learners_they_manage_or_mentor(as_user, tutor, learner, tree):
    org = OrganisationFactory()
    boss = UserFactory(
        user_type=User.Type.EMPLOYER,
        organisation=org,
        groups=[tree["leeds"]],
        first_name="Bea",
        last_name="Boss",
    )
    learner.manager = boss
    learner.save()
    hidden = UserFactory(groups=[tree["south"]], mentor=boss, first_name="Far", last_name="Away")
    body = as_user(tutor).get(url(boss)).content.decode()
    assert "John Smith" in body
    assert "(manager)" in body
    assert hidden.full_name not in body


def test_admin_profile_lists_the_groups_visible_to_them(as_user, supervisor, tutor, tree):
    body = as_user(supervisor).get(url(tutor)).content.decode()
    for name in ("North", "Leeds", "Leeds cohort"):
        assert name in body
    assert "South" not in body.split("Groups visible to them")[1]


def _profile_queries(client, user) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url(user)).status_code == 200
    return len(ctx.captured_queries)


def test_profile_runs_a_fixed_number_of_queries(as_user, tutor, learner, tree):
    client = as_user(tutor)
    EnrolmentFactory(learner=learner)
    CrmLinkFactory(learner=learner)
    small = _profile_queries(client, learner)
    EnrolmentFactory.create_batch(8, learner=learner, is_current=False)
    learner.groups.add(tree["leeds"], tree["north"])
    assert _profile_queries(client, learner) == small
    # More than the Programme and Contacts sections show: still the same queries.
    EnrolmentFactory.create_batch(30, learner=learner, is_current=False)
    CrmLinkFactory.create_batch(30, learner=learner)
    assert _profile_queries(client, learner) == small
    # The Compliance documents section adds three queries (current programme, its required
    # types, their documents) and the header's "N documents need signatures" one; the
    # Documents section one (the newest few with the live count in a window). The Reviews
    # section adds three (its counts, the newest reviews, the last one held) and the Review
    # documents section two (the newest review PDFs with their seals, their count). The
    # Activities section adds two (the latest activities with their people, their count).
    assert small <= 41


def test_extend_needs_permission(as_user, colleague, learner):
    assert as_user(colleague).get(url(learner, "extend")).status_code == 403


def test_outsider_cannot_extend_or_archive(as_user, outsider, learner):
    client = as_user(outsider)
    assert client.get(url(learner, "extend")).status_code == 404
    assert client.get(url(learner, "archive")).status_code == 404


@pytest.mark.parametrize(
    ("end", "message"),
    [
        ("2026-06-30", "Choose a date after the current end date, 01/07/2026."),
        ("", "This field is required."),
        ("31/31/2026", "Enter a valid date."),
    ],
)
def test_extend_refuses_bad_dates(as_user, tutor, learner, end, message):
    learner.subscription_end = datetime.date(2026, 7, 1)
    learner.save()
    response = as_user(tutor).post(
        url(learner, "extend"), {"subscription_end": end, "reason": "More time"}
    )
    assert message in response.content.decode()
    learner.refresh_from_db()
    assert learner.subscription_end == datetime.date(2026, 7, 1)


def test_extend_moves_the_end_date_reactivates_and_is_audited(
    as_user, tutor, learner, time_machine
):
    time_machine.move_to(datetime.datetime(2026, 11, 29, 12, 0))
    learner.subscription_end = datetime.date(2026, 10, 1)
    learner.subscription_status = User.Status.EXPIRED
    learner.save()
    response = as_user(tutor).post(
        url(learner, "extend"),
        {
            "subscription_end": "2027-03-31",
            "reason": "Break in learning",
            "version": learner.version,
        },
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.subscription_end == datetime.date(2027, 3, 31)
    assert learner.subscription_status == User.Status.FULL_USER
    entry = AuditEntry.objects.filter(object_id=learner.pk).latest("pk")
    assert entry.actor == tutor
    assert entry.additional_data["reason"] == "Break in learning"


def test_archive_needs_its_permission(as_user, tutor, learner):
    assert as_user(tutor).post(url(learner, "archive"), {"reason": "x"}).status_code == 403
    learner.refresh_from_db()
    assert learner.subscription_status == User.Status.FULL_USER


def test_archive_needs_a_reason_then_hides_the_user(as_user, supervisor, tutor, learner):
    client = as_user(supervisor)
    response = client.post(url(learner, "archive"), {"reason": ""})
    assert "This field is required." in response.content.decode()
    archive = {"reason": "Duplicate account", "version": learner.version}
    assert client.post(url(learner, "archive"), archive).status_code == 302
    learner.refresh_from_db()
    assert learner.subscription_status == User.Status.ARCHIVED
    assert as_user(tutor).get(url(learner)).status_code == 404
    entry = AuditEntry.objects.filter(object_id=learner.pk).latest("pk")
    assert entry.additional_data["reason"] == "Duplicate account"


def test_expire_subscriptions_is_safe_to_repeat(learner, tree, time_machine, capsys):
    time_machine.move_to(datetime.datetime(2026, 11, 29, 3, 0))
    learner.subscription_end = datetime.date(2026, 11, 28)
    learner.save()
    current = UserFactory(groups=[tree["cohort"]], subscription_end=datetime.date(2026, 11, 29))
    cancelled = UserFactory(
        groups=[tree["cohort"]],
        subscription_end=datetime.date(2026, 1, 1),
        subscription_status=User.Status.CANCELLED,
    )
    call_command("expire_subscriptions")
    assert "1 subscription expired." in capsys.readouterr().out
    call_command("expire_subscriptions")
    assert "0 subscriptions expired." in capsys.readouterr().out
    learner.refresh_from_db()
    current.refresh_from_db()
    cancelled.refresh_from_db()
    assert learner.subscription_status == User.Status.EXPIRED
    assert current.subscription_status == User.Status.FULL_USER
    assert cancelled.subscription_status == User.Status.CANCELLED
    entry = AuditEntry.objects.filter(object_id=learner.pk).latest("pk")
    assert entry.changes_dict["subscription_status"] == ["FULL_USER", "EXPIRED"]


def test_full_profile_query_count_does_not_grow_with_any_section(
    as_user, tutor, learner, settings, tmp_path
):
    """Every section populated, then ten times over: the page's query count stays the same."""
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.base import ContentFile

    from documents.models import Document
    from reviews.models import Review
    from tests.activity.factories import SignInFactory, TaskFactory, VisitFactory
    from tests.crm.factories import (
        ActivityFactory,
        AdminLinkFactory,
        CrmLinkFactory,
        NoteFactory,
    )

    def add(n):
        for _ in range(n):
            EnrolmentFactory(learner=learner, is_current=False)
            NoteFactory(learner=learner, created_by=tutor)
            link = CrmLinkFactory(learner=learner)
            ActivityFactory(learner=learner, created_by=tutor)
            ActivityFactory(learner=learner, with_whom="CRM", crm_contact=link.crm_contact)
            TaskFactory(learner=learner, created_by=tutor)
            SignInFactory(user=learner)
            VisitFactory(user=learner)
            Document.objects.create(
                learner=learner,
                kind=Document.Kind.MANDATE,
                original_name="m.pdf",
                file=ContentFile(b"%PDF-1.4", name="m.pdf"),
                content_type="application/pdf",
                size=8,
                sha256="0" * 64,
                created_by=tutor,
            )
            OutboundEmail.objects.create(
                recipient=learner, address=learner.email, kind="INVITATION", subject="s"
            )
            enrolment = EnrolmentFactory(learner=learner, is_current=False)
            Review.objects.create(learner=learner, enrolment=enrolment, conductor=tutor)
            Review.objects.create(
                learner=learner,
                enrolment=enrolment,
                conductor=tutor,
                status=Review.Status.SIGNED,
                held_on=enrolment.start_date,
            )
            Document.objects.create(
                learner=learner,
                folder=Document.Folder.REVIEWS,
                original_name="r.pdf",
                file=ContentFile(b"%PDF-1.4", name="r.pdf"),
                content_type="application/pdf",
                size=8,
                sha256="0" * 64,
                created_by=tutor,
            )

    # Invited, so the subscription section looks up the last invitation email's delivery.
    learner.invitation_sent_at = learner.created_at
    learner.save()
    client = as_user(tutor)
    add(1)
    AdminLinkFactory(learner=learner, admin=tutor)
    small = _profile_queries(client, learner)
    add(10)
    assert _profile_queries(client, learner) == small
    # The Reviews (three), Review documents (two) and Activities (two) sections' queries included.
    assert small <= 43
