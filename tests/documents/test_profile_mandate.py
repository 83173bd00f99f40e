from django.db import connection
from django.test.utils import CaptureQueriesContext

from documents.models import Document
from tests.factories import UserFactory
from users.models import User


def _add_mandates(learner, uploader, count):
    for n in range(count):
        Document.objects.create(
            kind=Document.Kind.MANDATE,
            learner=learner,
            file=f"documents/mandate/{n:032x}.pdf",
            original_name=f"mandate {n}.pdf",
            content_type="application/pdf",
            size=10,
            sha256="0" * 64,
            created_by=uploader,
        )


def _profile_queries(client, user) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/users/{user.pk}/").status_code == 200
    return len(ctx.captured_queries)


def test_the_profile_runs_a_fixed_number_of_queries_however_many_mandates(
    as_user, tutor, colleague, learner
):
    client = as_user(tutor)
    _add_mandates(learner, tutor, 1)
    small = _profile_queries(client, learner)
    _add_mandates(learner, colleague, 12)
    assert _profile_queries(client, learner) == small
    # The Activities section (crm) adds two: its latest rows and its count.
    assert small <= 42


def test_only_learners_show_the_mandate_line(as_user, tutor, tree):
    employer = UserFactory(user_type=User.Type.EMPLOYER, groups=[tree["leeds"]])
    body = as_user(tutor).get(f"/users/{employer.pk}/").content.decode()
    assert "mandate-line" not in body
