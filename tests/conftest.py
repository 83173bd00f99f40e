"""The cast every view test uses (DESIGN.md §10).

Groups: Regions → North → Leeds → Leeds cohort, and Regions → South.
- ``tutor`` sees North (and below) and may create, edit, cancel and export.
- ``colleague`` sees North too but holds only Standard administrator.
- ``outsider`` has the tutor's roles but sees only South.
- ``supervisor`` sees every group and holds every role.
- ``learner`` is in the Leeds cohort.
"""

import pytest
from django.contrib.auth.models import Group as Role
from django.core.cache import cache
from django.db import connections
from django.test import override_settings

from users.models import Group

from . import s3
from .factories import AdminFactory, UserFactory

TUTOR_ROLES = ["Standard administrator", "Edit Learner Details", "Create Users", "Data Export"]


@pytest.fixture(autouse=True, scope="session")
def _fast_passwords():
    # For the whole session, so the users that module fixtures make once (``_made_once``) are
    # hashed fast too: set per test, it came after them, and their 38 users cost 17 s of
    # PBKDF2 in tests/portal/test_user_list_paging.py alone.
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture(autouse=True)
def _empty_cache():
    # Each test's rows are rolled back without the signals that would make the cache forget
    # the lists built from them (aptem/shared_lists.py), so no test may read another's.
    cache.clear()


@pytest.fixture(autouse=True)
def _tasks_immediate(settings):
    # Tests about something else run each task where it is queued; the task tests switch back
    # to the database backend and run a worker (tests/programmes/ilr/test_export_tasks.py).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(scope="session")
def _s3_bucket() -> None:
    s3.ensure_bucket()


@pytest.fixture(autouse=True)
def s3_prefix(request, settings) -> str:
    """With S3_BUCKET set (tests/s3.py), the prefix in the bucket this test's files go under;
    without it, an empty string and the filesystem storage."""
    if not s3.BUCKET:
        return ""
    request.getfixturevalue("_s3_bucket")
    prefix = s3.new_prefix(settings.STORAGES)
    settings.STORAGES = s3.with_prefix(settings.STORAGES, prefix)
    return prefix


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix) -> None:
    """Let the test suite's own flush empty the audit table on PostgreSQL.

    Django flushes the database with one TRUNCATE after every transactional and browser test,
    and a trigger refuses TRUNCATE on audit entries (audit/migrations/0005) unless the session
    sets ``audit.allow_truncate`` and its role owns the table. Only these test connections set
    it; the portal never does, and the role it runs as in production owns nothing.
    """
    settings_dict = connections["default"].settings_dict
    if settings_dict["ENGINE"] == "django.db.backends.postgresql":
        options = settings_dict.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c audit.allow_truncate=on".strip()


def make_tree() -> dict[str, Group]:
    root = Group.objects.add_root(instance=Group(name="Regions"))
    north = Group.objects.add_child(root, instance=Group(name="North"))
    leeds = Group.objects.add_child(north, instance=Group(name="Leeds"))
    cohort = Group.objects.add_child(leeds, instance=Group(name="Leeds cohort"))
    south = Group.objects.add_child(root, instance=Group(name="South"))
    return {"root": root, "north": north, "leeds": leeds, "cohort": cohort, "south": south}


def make_tutor(tree: dict[str, Group]):
    return AdminFactory(
        first_name="Tara",
        last_name="Tutor",
        email="tutor@example.org",
        groups=[tree["north"]],
        roles=TUTOR_ROLES,
    )


def make_supervisor(tree: dict[str, Group]):
    return AdminFactory(
        first_name="Sam",
        last_name="Supervisor",
        email="supervisor@example.org",
        groups=[tree["root"]],
        roles=list(Role.objects.values_list("name", flat=True)),
    )


def make_learner(tree: dict[str, Group]):
    return UserFactory(
        first_name="John",
        last_name="Smith",
        email="john.smith@example.com",
        groups=[tree["cohort"]],
        ni_number="AB123456C",
    )


@pytest.fixture
def tree(db) -> dict[str, Group]:
    return make_tree()


@pytest.fixture
def tutor(tree):
    return make_tutor(tree)


@pytest.fixture
def colleague(tree):
    return AdminFactory(
        first_name="Colin",
        last_name="Colleague",
        email="colleague@example.org",
        groups=[tree["north"]],
        roles=["Standard administrator"],
    )


@pytest.fixture
def outsider(tree):
    return AdminFactory(
        first_name="Olive",
        last_name="Outsider",
        email="outsider@example.org",
        groups=[tree["south"]],
        roles=TUTOR_ROLES,
    )


@pytest.fixture
def supervisor(tree):
    return make_supervisor(tree)


@pytest.fixture
def learner(tree):
    return make_learner(tree)


@pytest.fixture
def as_user(client):
    """Log the test client in as the given user and return it."""

    def login(user):
        client.force_login(user)
        return client

    return login
