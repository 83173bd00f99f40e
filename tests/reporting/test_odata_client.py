"""An off-the-shelf OData v4 client (python-odata) reads the feed through a live server: its
$metadata, every entity set, with filters, ordering, counts and server-driven paging, and gets
the rows the ORM gives for the same reader."""

from __future__ import annotations

import datetime

import pytest
import requests
from django.core.management import call_command
from odata import ODataService

from reporting.odata import query as odata_query
from reporting.odata.schema import entity_sets
from users.models import User

from .odata_helpers import make_token

# The live server reads the data from its own connection: the test commits it. The roles the
# data migrations made come back after each test's flush (serialized_rollback).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def service(live_server):
    call_command("seed_demo", learners=12, seed=1, stdout=open("/dev/null", "w"))  # noqa: SIM115

    def connect(email: str) -> tuple[ODataService, User]:
        viewer = User.objects.get(email=email)
        _, text = make_token(viewer)
        session = requests.Session()
        session.auth = (email, text)
        url = f"{live_server.url}/odata/1.0/"
        return ODataService(url, reflect_entities=True, session=session), viewer

    return connect


def _orm_keys(entity_set, viewer) -> list:
    if entity_set.is_code_list:
        return sorted(row[entity_set.key] for row in entity_set.items())
    return sorted(entity_set.rows(viewer).values_list("pk", flat=True))


def test_the_client_reads_every_entity_set_as_the_orm_has_it(service):
    client, viewer = service("supervisor@example.org")
    assert set(client.entities) == {s.name for s in entity_sets()}
    for entity_set in entity_sets():
        entity = client.entities[entity_set.name]
        rows = list(client.query(entity))
        keys = sorted(getattr(row, entity_set.key) for row in rows)
        assert keys == _orm_keys(entity_set, viewer), entity_set.name
        assert keys, f"The demo data has no {entity_set.name}"
        assert client.query(entity).count() == len(keys)


def test_the_client_filters_orders_and_counts(service):
    client, viewer = service("supervisor@example.org")
    Users = client.entities["Users"]
    learners = User.objects.visible_to(viewer).filter(user_type=User.Type.LEARNER)
    query = (
        client.query(Users)
        .filter(Users.UserType == "LEARNER")
        .filter(Users.LastName.startswith("S") | (Users.FirstName != ""))
        .order_by(Users.LastName.desc(), Users.Id.asc())
    )
    got = [(u.Id, u.LastName) for u in query]
    expected = list(learners.order_by("-last_name", "pk").values_list("pk", "last_name"))
    assert got == expected
    # python-odata has no Edm.Date property type (it reads one as a string), so a date
    # comparison goes in as OData text.
    born = client.query(Users).filter("DateOfBirth lt 2000-01-01")
    assert sorted(u.Id for u in born) == sorted(
        learners.model.objects.visible_to(viewer)
        .filter(date_of_birth__lt=datetime.date(2000, 1, 1))
        .values_list("pk", flat=True)
    )
    assert client.query(Users).filter(Users.UserType == "LEARNER").count() == learners.count()
    first = client.query(Users).order_by(Users.Id.asc()).limit(3)
    assert [u.Id for u in first] == list(
        User.objects.visible_to(viewer).order_by("pk").values_list("pk", flat=True)[:3]
    )


def test_the_client_follows_the_next_links(service, monkeypatch):
    monkeypatch.setattr(odata_query, "PAGE_SIZE", 7)
    client, viewer = service("supervisor@example.org")
    Users = client.entities["Users"]
    ids = [u.Id for u in client.query(Users).order_by(Users.LastName.asc())]
    assert len(ids) > 7 * 3
    expected = list(
        User.objects.visible_to(viewer).order_by("last_name", "pk").values_list("pk", flat=True)
    )
    assert ids == expected


def test_the_tutor_reads_only_their_learners_with_sensitive_data_hidden(service):
    client, tutor = service("tutor@example.org")
    Users = client.entities["Users"]
    rows = list(client.query(Users))
    assert sorted(u.Id for u in rows) == sorted(
        User.objects.visible_to(tutor).values_list("pk", flat=True)
    )
    assert len(rows) < User.objects.count()
    assert not tutor.has_perm("users.view_sensitive_data")
    assert all(u.DateOfBirth is None and u.NiNumber is None for u in rows)
