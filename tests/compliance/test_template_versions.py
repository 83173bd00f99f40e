"""Template versions: dated ranges that never overlap for one type, the version chosen by the
programme start date, and the pages that manage them."""

import datetime

import pytest
from django.db import IntegrityError, connection, transaction

from compliance import services
from compliance.forms import TemplateVersionForm
from compliance.models import TemplateVersion
from tests.compliance.factories import grant, kind, required_enrolment

D = datetime.date


def form(**values):
    data = {
        "document_type": kind().pk,
        "label": "v2",
        "valid_from": "",
        "valid_to": "",
        "body": "<p>{{ learner.name }}</p>",
    }
    data.update(values)
    return TemplateVersionForm(data)


@pytest.fixture
def v1(db):
    # The seeded v1 runs from 19/02/2009 with no end: give it one so later ranges fit.
    version = kind().versions.get()
    version.valid_to = D(2025, 7, 31)
    version.save()
    return version


def test_a_range_starting_the_day_after_the_last_one_ends_is_accepted(v1):
    assert form(valid_from="2025-08-01").is_valid()


def test_a_range_starting_on_the_last_day_of_another_overlaps(v1):
    bound = form(valid_from="2025-07-31")
    assert not bound.is_valid()
    assert "These dates overlap v1 of Commitment Statement" in bound.errors["valid_from"][0]


def test_a_range_inside_another_overlaps(v1):
    assert not form(valid_from="2020-01-01", valid_to="2020-12-31").is_valid()


def test_an_open_ended_range_overlaps_every_later_one(db):
    # The seeded v1 has no end date.
    bound = form(valid_from="2030-01-01", valid_to="2030-12-31")
    assert not bound.is_valid()
    assert "no end date" in bound.errors["valid_from"][0]


def test_an_open_ended_range_before_an_existing_one_overlaps_it(v1):
    TemplateVersion.objects.create(
        document_type=kind(), label="v2", body="x", valid_from=D(2025, 8, 1)
    )
    assert not form(label="v0", valid_from="2001-01-01").is_valid()


def test_the_end_may_not_come_before_the_start(v1):
    bound = form(valid_from="2026-01-01", valid_to="2025-12-31")
    assert bound.errors["valid_to"] == ["Valid to cannot be before valid from."]


def test_a_template_that_does_not_parse_is_refused(v1):
    bound = form(valid_from="2025-08-01", body="{% if %}")
    assert "The template cannot be read" in bound.errors["body"][0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's exclusion constraint")
def test_the_database_refuses_overlapping_versions_too(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        TemplateVersion.objects.create(
            document_type=kind(), label="v9", body="x", valid_from=D(2030, 1, 1)
        )


def test_the_version_is_chosen_by_the_programme_start_date(v1, learner):
    v2 = TemplateVersion.objects.create(
        document_type=kind(), label="v2", body="x", valid_from=D(2025, 8, 1)
    )
    before = required_enrolment(learner, start_date=D(2025, 7, 31))
    assert services.template_version_for(kind(), before) == v1
    before.start_date = D(2025, 8, 1)
    assert services.template_version_for(kind(), before) == v2


def test_no_version_covering_the_start_date_is_said_in_words(v1, learner):
    enrolment = required_enrolment(learner, start_date=D(2026, 1, 5))
    with pytest.raises(services.CannotCreate, match="covers the programme start date, 05/01/2026"):
        services.template_version_for(kind(), enrolment)


# --- the pages -------------------------------------------------------------------------------


def test_anonymous_is_sent_to_sign_in(client, db):
    assert client.get("/compliance/templates/")["Location"].startswith("/login/")


def test_without_the_permission_the_pages_are_forbidden(as_user, tutor):
    client = as_user(tutor)
    assert client.get("/compliance/templates/").status_code == 403
    assert client.get("/compliance/templates/add/").status_code == 403


def test_the_list_shows_every_type_and_version(as_user, tutor):
    body = as_user(grant(tutor, "Manage Programmes")).get("/compliance/templates/")
    assert "Apprenticeship Agreement" in body.content.decode()
    assert "19/02/2009" in body.content.decode()


def test_an_overlapping_version_is_refused_on_the_page_and_nothing_is_saved(as_user, tutor):
    client = as_user(grant(tutor, "Manage Programmes"))
    response = client.post(
        "/compliance/templates/add/",
        {"document_type": kind().pk, "label": "v2", "valid_from": "2026-01-01", "body": "x"},
    )
    assert response.status_code == 200
    assert "These dates overlap v1" in response.content.decode()
    assert kind().versions.count() == 1


def test_a_new_version_is_saved_and_audited(as_user, tutor, v1):
    client = as_user(grant(tutor, "Manage Programmes"))
    response = client.post(
        "/compliance/templates/add/",
        {"document_type": kind().pk, "label": "v2", "valid_from": "2025-08-01", "body": "x"},
    )
    assert response.status_code == 302
    version = kind().versions.get(label="v2")
    assert version.created_by == tutor
    from audit.models import AuditEntry

    assert AuditEntry.objects.get_for_object(version).get().actor == tutor
