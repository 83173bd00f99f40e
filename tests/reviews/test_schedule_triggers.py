"""The stored next due date (ReviewDue) follows every change it depends on: reviews, the
enrolment (status, start date, current), breaks in learning and the programme's interval; the
status changes record the breaks themselves; the command recomputes everything."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command

from audit.models import AuditEntry
from programmes import services
from programmes.models import Enrolment, LearningBreak
from reviews.due_models import ReviewDue
from reviews.due_services import interval_set
from reviews.models import Review
from reviews.signals import review_changed
from tests.reviews.due_factories import START, a_break, held_review, learning

D = datetime.date
S = Enrolment.Status
TWELVE_WEEKS = datetime.timedelta(weeks=12)


@pytest.fixture
def enrolment(learner):
    return learning(learner)


def due(enrolment) -> ReviewDue | None:
    return ReviewDue.objects.filter(enrolment=enrolment).first()


def test_a_new_learning_enrolment_gets_its_row(enrolment):
    row = due(enrolment)
    assert row.learner_id == enrolment.learner_id
    assert row.due_on == START + TWELVE_WEEKS
    assert row.last_review_on is None


def test_review_changed_refreshes_the_row(enrolment):
    review = held_review(enrolment, D(2026, 2, 1))
    assert due(enrolment).last_review_on == D(2026, 2, 1)
    assert due(enrolment).due_on == D(2026, 2, 1) + TWELVE_WEEKS
    # Deleted: the service sends the signal with the review it deleted.
    review.delete()
    review_changed.send(sender=Review, review=review)
    assert due(enrolment).due_on == START + TWELVE_WEEKS


def test_a_review_saved_without_the_signal_waits_for_it(enrolment):
    held_review(enrolment, D(2026, 2, 1), notify=False)
    assert due(enrolment).last_review_on is None


def test_the_enrolments_start_date_refreshes_the_row(enrolment):
    enrolment.start_date = D(2026, 2, 2)
    enrolment.save()
    assert due(enrolment).due_on == D(2026, 2, 2) + TWELVE_WEEKS


def test_leaving_learning_or_the_current_programme_removes_the_row(learner, enrolment):
    enrolment.status = S.COMPLETE
    enrolment.save()
    assert due(enrolment) is None
    other = learning(learner)
    other.is_current = False
    other.save()
    assert due(other) is None


def test_a_break_saved_refreshes_the_row(enrolment):
    a_break(enrolment, D(2026, 2, 1), D(2026, 2, 8))
    assert due(enrolment).due_on == START + TWELVE_WEEKS + datetime.timedelta(days=7)
    open_break = a_break(enrolment, D(2026, 3, 1))
    assert due(enrolment).due_on is None
    assert due(enrolment).paused_since == D(2026, 3, 1)
    open_break.delete()
    assert due(enrolment).paused_since is None


def test_a_programmes_interval_refreshes_all_its_learners(enrolment, supervisor):
    second = learning(programme=enrolment.programme)
    interval_set(programme=enrolment.programme, weeks=6, actor=supervisor)
    for row in (due(enrolment), due(second)):
        assert row.due_on == START + datetime.timedelta(weeks=6)
    interval_set(programme=enrolment.programme, weeks=None, actor=supervisor)
    assert due(second).due_on == START + TWELVE_WEEKS


@time_machine.travel(datetime.datetime(2026, 3, 2, 12, 0), tick=False)
def test_going_on_a_break_and_back_records_the_break_and_pauses_the_clock(enrolment, supervisor):
    services.enrolment_change_status(
        enrolment=enrolment, status=S.ON_A_BREAK, based_on_version=1, actor=supervisor
    )
    [open_break] = LearningBreak.objects.filter(enrolment=enrolment)
    assert (open_break.started_on, open_break.ended_on) == (D(2026, 3, 2), None)
    assert AuditEntry.objects.get_for_object(open_break).get().actor == supervisor
    assert due(enrolment).paused_since == D(2026, 3, 2)
    enrolment.refresh_from_db()
    with time_machine.travel(datetime.datetime(2026, 3, 16, 12, 0), tick=False):
        services.enrolment_change_status(
            enrolment=enrolment, status=S.ACTIVE, based_on_version=2, actor=supervisor
        )
    open_break.refresh_from_db()
    assert open_break.ended_on == D(2026, 3, 16)
    assert due(enrolment).paused_since is None
    assert due(enrolment).due_on == START + TWELVE_WEEKS + datetime.timedelta(days=14)
    # The status change is still the enrolment's latest entry on the learner's trail.
    latest = AuditEntry.objects.filter(learner=enrolment.learner).latest("pk")
    assert latest.changes_dict["status"] == ["ON_A_BREAK", "ACTIVE"]


def test_a_failed_status_change_records_no_break(enrolment, supervisor):
    with pytest.raises(ValueError, match="not an allowed change"):
        services.enrolment_change_status(
            enrolment=enrolment, status=S.COMPLETE, based_on_version=1, actor=supervisor
        )
    assert not LearningBreak.objects.exists()


def test_stopping_from_a_break_ends_it_on_the_stop_date(enrolment, supervisor):
    services.enrolment_change_status(
        enrolment=enrolment, status=S.ON_A_BREAK, based_on_version=1, actor=supervisor
    )
    enrolment.refresh_from_db()
    services.enrolment_stop(
        enrolment=enrolment,
        end_date=D(2026, 4, 1),
        withdraw_reason="44",
        based_on_version=enrolment.version,
        actor=supervisor,
    )
    # ended_on never before started_on (the break started today, after the stop date).
    stopped_break = LearningBreak.objects.get()
    assert stopped_break.ended_on == max(D(2026, 4, 1), stopped_break.started_on)
    assert due(enrolment) is None


def test_the_command_recomputes_every_row(enrolment, learner):
    ReviewDue.objects.all().delete()
    stopped = learning(status=S.STOPPED)
    ReviewDue.objects.create(enrolment=stopped, learner=stopped.learner, due_on=D(2026, 1, 1))
    out = io.StringIO()
    call_command("refresh_review_due", stdout=out)
    assert "Refreshed 1 due date(s); removed 1" in out.getvalue()
    assert due(enrolment).due_on == START + TWELVE_WEEKS
    assert due(stopped) is None
