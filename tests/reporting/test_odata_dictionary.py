"""The OData dictionary, page and CSV, and the $metadata document: all from the definitions."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from lxml import etree

from crm.models import Note
from reporting.odata import schema
from reporting.odata.schema import EntitySet, Property, entity_sets

from .odata_helpers import FEED, basic, make_token

pytestmark = pytest.mark.django_db

EDM = "{http://docs.oasis-open.org/odata/ns/edm}"
EDMX = "{http://docs.oasis-open.org/odata/ns/edmx}"


def _csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def test_anonymous_is_redirected_and_a_learner_refused(client, as_user, learner):
    for name in ("reporting:odata_dictionary", "reporting:odata_dictionary_csv"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")
    for name in ("reporting:odata_dictionary", "reporting:odata_dictionary_csv"):
        assert as_user(learner).get(reverse(name)).status_code == 403


def test_the_page_lists_every_table_and_field(as_user, colleague):
    page = as_user(colleague).get(reverse("reporting:odata_dictionary")).content.decode()
    for entity_set in entity_sets():
        assert f'id="set-{entity_set.name}"' in page
        for column in entity_set.columns.values():
            assert f"<code>{column.name}</code>" in page


def test_the_csv_has_one_row_per_field_of_every_table(as_user, colleague):
    lines = _csv(as_user(colleague).get(reverse("reporting:odata_dictionary_csv")))
    assert lines[0] == ["Table", "Field", "Type", "Description", "Example"]
    body = lines[1:-1]
    expected = [(s.name, c.name) for s in entity_sets() for c in s.columns.values()]
    assert [(row[0], row[1]) for row in body] == expected
    assert lines[-1] == [f"# {len(expected)} rows"]
    users = {row[1]: row for row in body if row[0] == "Users"}
    assert users["FirstName"][2] == "Edm.String(50)"
    assert users["DateOfBirth"][2] == "Edm.Date"
    assert "Special-category" in users["DateOfBirth"][3]
    milestones = {row[1]: row for row in body if row[0] == "Milestones"}
    assert milestones["PaymentAmount"][2] == "Edm.Decimal(9,2)"


@pytest.fixture
def hostile_entity_set(monkeypatch):
    hostile = EntitySet(
        name="HostileNotes",
        model=Note,
        description="Notes",
        rows=lambda viewer: Note.objects.none(),
        properties=[
            Property("Id", "id", '=HYPERLINK("http://evil.example","click")'),
            Property("Text", "text", "+cmd|' /C calc'!A0", example="@SUM(A1:A2)"),
        ],
    )
    monkeypatch.setitem(schema.ENTITY_SETS, hostile.name, hostile)
    return hostile


def test_formulas_in_the_csv_are_neutralised(as_user, colleague, hostile_entity_set):
    lines = _csv(as_user(colleague).get(reverse("reporting:odata_dictionary_csv")))
    hostile = [row for row in lines if row[0] == "HostileNotes"]
    assert hostile[0][3].startswith("'=HYPERLINK")
    assert hostile[1][3].startswith("'+cmd")
    assert hostile[1][4] == "'@SUM(A1:A2)"


def test_metadata_is_csdl_with_the_right_types(client, colleague):
    _, text = make_token(colleague)
    response = client.get(FEED + "$metadata", **basic(text))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = etree.fromstring(response.content)
    assert root.tag == f"{EDMX}Edmx"
    assert root.get("Version") == "4.0"
    schema_ = root.find(f"{EDMX}DataServices/{EDM}Schema")
    types = {t.get("Name"): t for t in schema_.findall(f"{EDM}EntityType")}
    container = schema_.find(f"{EDM}EntityContainer")
    sets = {s.get("Name"): s.get("EntityType") for s in container.findall(f"{EDM}EntitySet")}
    assert set(sets) == {s.name for s in entity_sets()}
    for entity_set in entity_sets():
        entity_type = types[sets[entity_set.name].split(".")[-1]]
        key = entity_type.find(f"{EDM}Key/{EDM}PropertyRef").get("Name")
        assert key == entity_set.key
        names = [p.get("Name") for p in entity_type.findall(f"{EDM}Property")]
        assert names == list(entity_set.columns)

    def prop(type_name: str, name: str) -> dict:
        found = types[type_name].find(f"{EDM}Property[@Name='{name}']")
        return dict(found.attrib)

    assert prop("User", "Id") == {"Name": "Id", "Type": "Edm.Int64", "Nullable": "false"}
    assert prop("User", "FirstName") == {
        "Name": "FirstName",
        "Type": "Edm.String",
        "Nullable": "false",
        "MaxLength": "50",
    }
    assert prop("User", "DateOfBirth")["Type"] == "Edm.Date"
    assert prop("User", "DateOfBirth")["Nullable"] == "true"
    # Masked for readers without the permission, so null is possible even where stored NOT NULL.
    assert prop("User", "NiNumber")["Nullable"] == "true"
    assert prop("User", "CreatedAt")["Type"] == "Edm.DateTimeOffset"
    assert prop("User", "IsActive")["Type"] == "Edm.Boolean"
    assert prop("User", "CaseOwnerId") == {
        "Name": "CaseOwnerId",
        "Type": "Edm.Int64",
        "Nullable": "true",
    }
    assert prop("IlrAim", "AimType")["Type"] == "Edm.Int32"
    assert prop("Milestone", "PaymentAmount") == {
        "Name": "PaymentAmount",
        "Type": "Edm.Decimal",
        "Nullable": "true",
        "Precision": "9",
        "Scale": "2",
    }
