from django.db import connection
from django.test.utils import CaptureQueriesContext

from .factories import NoteFactory


def url(learner, page=None):
    return f"/users/{learner.pk}/notes/" + (f"?page={page}" if page else "")


def test_anonymous_is_redirected_to_login(client, learner):
    assert client.get(url(learner))["Location"].startswith("/login/")


def test_outsider_gets_404(as_user, outsider, learner):
    assert as_user(outsider).get(url(learner)).status_code == 404


def test_lists_25_notes_a_page_newest_first(as_user, colleague, tutor, learner):
    notes = NoteFactory.create_batch(30, learner=learner, created_by=tutor)
    client = as_user(colleague)
    first = client.get(url(learner))
    assert first.status_code == 200
    assert len(first.context["rows"]) == 25
    assert first.context["rows"][0][0] == notes[-1]
    body = first.content.decode()
    assert "30 notes" in body
    assert '<th scope="col">Author</th>' in body
    second = client.get(url(learner, 2))
    assert len(second.context["rows"]) == 5


def test_dates_are_dd_mm_yyyy(as_user, tutor, learner):
    import datetime

    from django.utils import timezone

    NoteFactory(
        learner=learner,
        created_by=tutor,
        created_at=timezone.make_aware(datetime.datetime(2026, 3, 4, 10, 30)),
    )
    assert "04/03/2026 10:30" in as_user(tutor).get(url(learner)).content.decode()


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_notes_page_runs_a_fixed_number_of_queries(as_user, tutor, colleague, learner):
    client = as_user(tutor)
    NoteFactory(learner=learner, created_by=tutor)
    small = _queries(client, url(learner))
    NoteFactory.create_batch(20, learner=learner, created_by=colleague)
    NoteFactory.create_batch(10, learner=learner)
    assert _queries(client, url(learner)) == small
