"""The Components part of Manage programmes > Edit: a programme's knowledge, skills and
behaviours listed, added, changed, reordered and removed with the programme, all or nothing."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEntry
from programmes.learning.models import EvidenceItem, LearnerComponent, ProgrammeComponent
from programmes.models import Programme
from tests.factories import (
    EnrolmentFactory,
    LearnerComponentFactory,
    ProgrammeComponentFactory,
    ProgrammeFactory,
)

PROGRAMME = {"name": "Data Analyst", "code": "DA4", "kind": "DELIVERY", "is_active": "on"}


def edit_url(programme: Programme) -> str:
    return f"/programmes/{programme.pk}/edit/"


def post_data(programme: Programme, rows: list[dict], new: dict | None = None, **fields) -> dict:
    """The edit form as the page posts it: the programme's fields, one row per existing
    component (``rows``: overrides by position, ``{"DELETE": "on"}`` to remove) and the blank
    row, filled with ``new`` when given."""
    components = list(programme.components.order_by("order", "kind", "code"))
    data = {
        **PROGRAMME,
        "version": str(programme.version),
        "components-TOTAL_FORMS": str(len(components) + 1),
        "components-INITIAL_FORMS": str(len(components)),
        **fields,
    }
    for i, component in enumerate(components):
        row = {
            "id": component.pk,
            "programme": programme.pk,
            "kind": component.kind,
            "code": component.code,
            "title": component.title,
            "order": component.order,
            **(rows[i] if i < len(rows) else {}),
        }
        data.update({f"components-{i}-{k}": v for k, v in row.items()})
    blank = len(components)
    data.update(
        {
            f"components-{blank}-programme": programme.pk,
            f"components-{blank}-order": str(max([c.order for c in components], default=0) + 1),
        }
    )
    for k, v in (new or {}).items():
        data[f"components-{blank}-{k}"] = v
    return data


@pytest.fixture
def programme(db):
    programme = ProgrammeFactory(**{k: v for k, v in PROGRAMME.items() if k != "is_active"})
    ProgrammeComponentFactory(programme=programme, kind="K", code="K1", title="Data", order=1)
    ProgrammeComponentFactory(programme=programme, kind="S", code="S1", title="SQL", order=2)
    return programme


def codes(programme: Programme) -> list[tuple[str, str, int]]:
    return list(programme.components.order_by("order").values_list("code", "title", "order"))


# --- Who may open it ------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client, programme):
    assert client.get(edit_url(programme))["Location"].startswith("/login/")
    assert client.post(edit_url(programme), post_data(programme, []))["Location"].startswith(
        "/login/"
    )


def test_without_manage_programmes_gets_403_and_nothing_is_saved(
    as_user, programme, tutor, colleague
):
    for user in (tutor, colleague):
        client = as_user(user)
        assert client.get(edit_url(programme)).status_code == 403
        data = post_data(programme, [], new={"kind": "B", "code": "B1", "title": "Curious"})
        assert client.post(edit_url(programme), data).status_code == 403
    assert codes(programme) == [("K1", "Data", 1), ("S1", "SQL", 2)]


def test_a_manager_sees_the_components_in_order_with_a_blank_row(as_user, supervisor, programme):
    response = as_user(supervisor).get(edit_url(programme))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="components"' in body
    assert body.index('value="K1"') < body.index('value="S1"')
    assert 'name="components-2-code"' in body  # the blank row
    blank_order = re.search(r'<input[^>]*name="components-2-order"[^>]*>', body).group(0)
    assert 'value="3"' in blank_order


def test_the_page_says_enrolled_learners_keep_their_own_copies(as_user, supervisor, programme):
    body = as_user(supervisor).get(edit_url(programme)).content.decode()
    assert "Learners already enrolled keep the copies they have" in body
    assert "does not change their learning plans" in body


# --- Good input -----------------------------------------------------------------------------


def test_adds_a_component_with_the_programme_and_audits_it_with_the_actor(
    as_user, supervisor, programme
):
    data = post_data(programme, [], new={"kind": "B", "code": "b1", "title": "Curious"})
    response = as_user(supervisor).post(edit_url(programme), data)
    assert response.status_code == 302
    assert codes(programme) == [("K1", "Data", 1), ("S1", "SQL", 2), ("B1", "Curious", 3)]
    added = ProgrammeComponent.objects.get(code="B1")
    entry = AuditEntry.objects.get_for_object(added).get()
    assert entry.actor == supervisor
    assert entry.changes_dict["title"] == ["None", "Curious"]
    programme.refresh_from_db()
    assert programme.version == 2  # a change to the components is a new programme version


def test_edits_and_reorders_components(as_user, supervisor, programme):
    data = post_data(
        programme, [{"order": "2", "title": "Data and its uses"}, {"order": "1", "kind": "B"}]
    )
    assert as_user(supervisor).post(edit_url(programme), data).status_code == 302
    assert codes(programme) == [("S1", "SQL", 1), ("K1", "Data and its uses", 2)]
    assert programme.components.get(code="S1").kind == "B"
    k1 = programme.components.get(code="K1")
    change = AuditEntry.objects.get_for_object(k1).latest("pk")
    assert change.actor == supervisor
    assert change.changes_dict["title"] == ["Data", "Data and its uses"]


def test_removes_a_component_and_audits_the_removal(as_user, supervisor, programme):
    k1 = programme.components.get(code="K1")
    data = post_data(programme, [{"DELETE": "on"}])
    assert as_user(supervisor).post(edit_url(programme), data).status_code == 302
    assert codes(programme) == [("S1", "SQL", 2)]
    removal = AuditEntry.objects.get_for_object(k1).latest("pk")
    assert (removal.action, removal.actor) == (AuditEntry.Action.DELETE, supervisor)


def test_a_code_given_up_in_the_same_save_can_be_taken(as_user, supervisor, programme):
    # K1 is removed and re-added as a new row; S1 becomes S2 while another row takes S1.
    data = post_data(
        programme,
        [{"DELETE": "on"}, {"code": "S2"}],
        new={"kind": "S", "code": "S1", "title": "Python"},
    )
    assert as_user(supervisor).post(edit_url(programme), data).status_code == 302
    assert codes(programme) == [("S2", "SQL", 2), ("S1", "Python", 3)]


def test_removing_a_component_keeps_learners_copies_and_their_evidence(
    as_user, supervisor, programme
):
    enrolment = EnrolmentFactory(programme=programme)
    k1 = programme.components.get(code="K1")
    copy = LearnerComponentFactory(enrolment=enrolment, source=k1, kind="K", code="K1")
    evidence = EvidenceItem.objects.create(
        learner=enrolment.learner, component=copy, description="Report", date=enrolment.start_date
    )
    data = post_data(programme, [{"DELETE": "on"}])
    assert as_user(supervisor).post(edit_url(programme), data).status_code == 302
    copy.refresh_from_db()
    assert (copy.code, copy.source) == ("K1", None)
    assert EvidenceItem.objects.filter(pk=evidence.pk).exists()
    # The cleared link is in the learner's own audit trail, by who removed the component.
    entry = AuditEntry.objects.get_for_object(copy).latest("pk")
    assert (entry.learner_id, entry.actor) == (enrolment.learner_id, supervisor)
    assert "source" in entry.changes_dict


def test_changing_components_leaves_enrolled_learners_copies_alone(as_user, supervisor, programme):
    enrolment = EnrolmentFactory(programme=programme)
    copy = LearnerComponentFactory(
        enrolment=enrolment, source=programme.components.get(code="K1"), code="K1", title="Data"
    )
    data = post_data(programme, [{"title": "Data, renamed"}], new={"kind": "B", "code": "B1"})
    data["components-2-title"] = "Curious"
    assert as_user(supervisor).post(edit_url(programme), data).status_code == 302
    copy.refresh_from_db()
    assert copy.title == "Data"
    assert LearnerComponent.objects.filter(enrolment=enrolment).count() == 1


# --- Bad input: the message beside the field, nothing saved -----------------------------


@pytest.mark.parametrize(
    ("rows", "new", "field", "message"),
    [
        (
            [],
            {"kind": "K", "code": "k1", "title": "Again"},
            "components-2-code",
            "K1 is already used in this programme.",
        ),
        ([{"code": "S1"}], None, "components-0-code", "S1 is already used in this programme."),
        ([{"title": ""}], None, "components-0-title", "Enter the component"),
        ([], {"kind": "K", "code": "K9", "title": ""}, "components-2-title", "Enter the component"),
        ([{"order": "0"}], None, "components-0-order", "The order must be 1 or more."),
        ([{"order": "-2"}], None, "components-0-order", "1 or more"),
        ([{"order": "first"}], None, "components-0-order", "Enter the order as a whole number"),
        ([], {"kind": "", "code": "K9", "title": "X"}, "components-2-kind", "Choose knowledge"),
        ([], {"kind": "K", "code": "", "title": "X"}, "components-2-code", "Enter a code"),
    ],
)
def test_a_bad_row_shows_its_message_beside_the_field_and_saves_nothing(
    as_user, supervisor, programme, rows, new, field, message
):
    data = post_data(programme, rows, new=new, name="Renamed at the same time")
    response = as_user(supervisor).post(edit_url(programme), data)
    assert response.status_code == 200
    body = response.content.decode()
    # The message sits right after the field (components/_component_field.html) and in the
    # summary, linked to it.
    field_html = re.search(rf'<(input|select)[^>]*name="{field}"[^>]*>', body).group(0)
    assert "is-invalid" in field_html
    after = body[body.index(field_html) :][:600]
    assert message in after
    assert f'href="#id_{field}"' in body
    assert "Nothing has been saved yet." in body
    programme.refresh_from_db()
    assert (programme.name, programme.version) == ("Data Analyst", 1)
    assert codes(programme) == [("K1", "Data", 1), ("S1", "SQL", 2)]


def test_swapping_two_codes_in_one_save_is_refused_plainly(as_user, supervisor, programme):
    data = post_data(programme, [{"code": "S1"}, {"code": "K1"}])
    response = as_user(supervisor).post(edit_url(programme), data)
    assert response.status_code == 200
    assert "cannot swap codes in one save" in response.content.decode()
    assert codes(programme) == [("K1", "Data", 1), ("S1", "SQL", 2)]


def test_a_bad_programme_field_saves_no_component_either(as_user, supervisor, programme):
    data = post_data(programme, [], new={"kind": "B", "code": "B1", "title": "Curious"}, name="")
    response = as_user(supervisor).post(edit_url(programme), data)
    assert response.status_code == 200
    assert not programme.components.filter(code="B1").exists()
    assert 'value="Curious"' in response.content.decode()  # what was typed is kept


def test_a_component_made_in_the_admin_with_order_0_does_not_block_saving(
    as_user, supervisor, programme
):
    ProgrammeComponentFactory(programme=programme, code="B1", order=0)
    data = post_data(programme, [], name="Renamed")
    assert as_user(supervisor).post(edit_url(programme), data).status_code == 302


# --- Edits that never get lost --------------------------------------------------------------


def test_a_stale_form_is_refused_with_the_other_component_change_and_saves_nothing(
    client, supervisor, tutor, programme
):
    other = tutor
    other.user_permissions.add(Permission.objects.get(codename="manage_programmes"))
    client.force_login(supervisor)
    opened = post_data(programme, [{"title": "Mine"}], new={"kind": "B", "code": "B1"})
    opened["components-2-title"] = "My new one"

    client.force_login(other)
    theirs = post_data(programme, [], new={"kind": "S", "code": "S9", "title": "Their skill"})
    assert client.post(edit_url(programme), theirs).status_code == 302

    client.force_login(supervisor)
    response = client.post(edit_url(programme), opened)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Changed since you opened this form" in body
    assert "Their skill" in body  # what the other person changed, in the conflict box
    assert 'value="My new one"' in body  # what was typed is kept
    assert 'name="version" value="2"' in body
    assert codes(programme) == [("K1", "Data", 1), ("S1", "SQL", 2), ("S9", "Their skill", 3)]


def test_saving_again_after_a_conflict_saves_the_rows(client, supervisor, programme):
    client.force_login(supervisor)
    first = post_data(programme, [{"title": "First"}])
    stale = post_data(programme, [], new={"kind": "B", "code": "B1", "title": "Mine"})
    assert client.post(edit_url(programme), first).status_code == 302
    assert client.post(edit_url(programme), stale).status_code == 409
    stale["version"] = "2"
    assert client.post(edit_url(programme), stale).status_code == 302
    # Saving again is a deliberate overwrite: the rows as the form showed them.
    assert codes(programme) == [("K1", "Data", 1), ("S1", "SQL", 2), ("B1", "Mine", 3)]


# --- Where people come from and query counts -----------------------------------------------


def test_the_no_components_link_leads_to_where_a_component_is_added(as_user, supervisor, learner):
    enrolment = EnrolmentFactory(learner=learner, programme__code="EMPTY")
    client = as_user(supervisor)
    plan = client.get(f"/users/{enrolment.learner_id}/learning-plan/").content.decode()
    link = re.search(r'<a href="([^"]+)">Manage programmes</a>', plan).group(1)
    assert link == f"/programmes/{enrolment.programme_id}/edit/#components"

    page = client.get(link.split("#")[0]).content.decode()
    assert 'id="components"' in page
    programme = enrolment.programme
    data = post_data(
        programme,
        [],
        new={"kind": "K", "code": "K1", "title": "Data"},
        name=programme.name,
        code=programme.code,
    )
    assert client.post(link.split("#")[0], data).status_code == 302
    assert codes(programme) == [("K1", "Data", 1)]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_edit_page_query_count_does_not_grow_with_components_or_copies(
    as_user, supervisor, programme
):
    client = as_user(supervisor)
    few = _queries(client, edit_url(programme))
    ProgrammeComponentFactory.create_batch(15, programme=programme)
    enrolment = EnrolmentFactory(programme=programme)
    for component in programme.components.all():
        LearnerComponentFactory(enrolment=enrolment, source=component)
    assert _queries(client, edit_url(programme)) == few


def test_the_list_shows_each_programmes_component_count(as_user, supervisor, programme):
    ProgrammeFactory(name="Empty one", code="EMPTY")
    body = as_user(supervisor).get("/programmes/").content.decode()
    row = re.search(r"<tr>\s*<td>Data Analyst</td>.*?</tr>", body, re.DOTALL).group(0)
    assert "<td>2</td>" in row
    empty = re.search(r"<tr>\s*<td>Empty one</td>.*?</tr>", body, re.DOTALL).group(0)
    assert "None yet" in empty


def test_every_wrong_row_is_reported_at_once(as_user, supervisor, programme):
    data = post_data(programme, [{"title": ""}], new={"kind": "K", "code": "S1", "title": ""})
    response = as_user(supervisor).post(edit_url(programme), data)
    assert response.status_code == 200
    formset = response.context["components"]
    assert formset.forms[0].errors["title"] == ["Enter the component's title."]
    assert formset.forms[2].errors["title"] == ["Enter the component's title."]
    assert formset.forms[2].errors["code"] == ["S1 is already used in this programme."]
    assert codes(programme) == [("K1", "Data", 1), ("S1", "SQL", 2)]
