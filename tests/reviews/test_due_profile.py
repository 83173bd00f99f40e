"""What the profile's Reviews section shows of the schedule: the stored row read in one query,
and the partial that puts it in words."""

import datetime

from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from programmes.models import Programme
from reviews.schedule import Due, due_for_learner
from tests.factories import ProgrammeFactory
from tests.reviews.due_factories import START, a_break, learning

D = datetime.date


def test_the_learners_next_due_is_one_query(learner):
    learning(learner)
    learning(learner, programme=ProgrammeFactory(kind=Programme.Kind.ONBOARDING))
    with CaptureQueriesContext(connection) as ctx:
        due = due_for_learner(learner.pk, today=D(2026, 3, 1))
    assert len(ctx.captured_queries) == 1
    assert due.due_on == START + datetime.timedelta(weeks=12)


def test_no_learning_programme_gives_none(learner):
    assert due_for_learner(learner.pk) is None


def test_paused_is_read_from_the_row(learner):
    a_break(learning(learner), D(2026, 2, 1))
    assert due_for_learner(learner.pk).status_text == "Paused: on a break since 01/02/2026"


def test_the_partial_in_each_state():
    def render(due):
        return " ".join(render_to_string("reviews/due/_next_due.html", {"due": due}).split())

    today = D(2026, 4, 11)
    overdue = render(Due(today=today, due_on=D(2026, 3, 30)))
    assert '<strong class="text-danger">Overdue by 12 days</strong> (due 30/03/2026)' in overdue
    assert "16/04/2026" in render(Due(today=today, due_on=D(2026, 4, 16)))
    assert "Due in 5 days" in render(Due(today=today, due_on=D(2026, 4, 16)))
    assert "Paused: on a break since 01/04/2026" in render(
        Due(today=today, paused_since=D(2026, 4, 1))
    )
    assert "None: not in learning" in render(None)
