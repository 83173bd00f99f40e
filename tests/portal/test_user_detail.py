from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import EnrolmentFactory


def test_anonymous_is_redirected_to_login(client, learner):
    assert client.get(f"/users/{learner.pk}/")["Location"].startswith("/login/")


def test_outsider_gets_404_like_a_missing_user(as_user, outsider, learner):
    client = as_user(outsider)
    assert client.get(f"/users/{learner.pk}/").status_code == 404
    assert client.get("/users/999999/").status_code == 404


def test_tutor_sees_the_details_and_actions(as_user, tutor, learner):
    EnrolmentFactory(learner=learner, programme__name="Team Leader")
    body = as_user(tutor).get(f"/users/{learner.pk}/").content.decode()
    assert "John Smith" in body
    assert "AB123456C" in body
    assert "Team Leader" in body
    assert f"/users/{learner.pk}/edit/" in body


def test_colleague_sees_no_edit_or_cancel_actions(as_user, colleague, learner):
    body = as_user(colleague).get(f"/users/{learner.pk}/").content.decode()
    assert "John Smith" in body
    assert f"/users/{learner.pk}/edit/" not in body
    assert f"/users/{learner.pk}/cancel/" not in body


def test_query_count_does_not_grow_with_enrolments(as_user, tutor, learner):
    client = as_user(tutor)

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/users/{learner.pk}/").status_code == 200
        return len(ctx.captured_queries)

    EnrolmentFactory(learner=learner)
    small = count()
    EnrolmentFactory.create_batch(5, learner=learner, is_current=False)
    assert count() == small
