import pytest

from audit.models import AuditEntry
from programmes.models import Programme
from tests.factories import ProgrammeFactory

CREATE = "/programmes/create/"

GOOD = {
    "name": "Data Analyst",
    "code": "da4",
    "kind": "DELIVERY",
    "is_apprenticeship": "on",
    "standard_code": "145",
    "level": "4",
    "duration_months": "15",
    "weekly_hours": "30",
    "planned_otj_hours": "300",
    "ilr_enabled": "on",
    "is_active": "on",
}


# The edit page's Components part with no rows (tests/programmes/test_programme_components.py
# covers the rows).
NO_COMPONENTS = {"components-TOTAL_FORMS": "0", "components-INITIAL_FORMS": "0"}


def edit_url(programme):
    return f"/programmes/{programme.pk}/edit/"


def test_anonymous_is_redirected_to_login(client, db):
    assert client.get(CREATE)["Location"].startswith("/login/")
    assert client.get(edit_url(ProgrammeFactory()))["Location"].startswith("/login/")


def test_without_manage_programmes_gets_403_and_saves_nothing(as_user, tutor):
    client = as_user(tutor)
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, GOOD).status_code == 403
    programme = ProgrammeFactory(name="Old")
    assert client.post(edit_url(programme), GOOD).status_code == 403
    programme.refresh_from_db()
    assert programme.name == "Old"
    assert Programme.objects.count() == 1


def test_creates_a_programme_and_audits_it(as_user, supervisor):
    response = as_user(supervisor).post(CREATE, GOOD)
    assert response.status_code == 302
    programme = Programme.objects.get()
    assert (programme.code, programme.level, programme.standard_code) == ("DA4", 4, 145)
    assert programme.ilr_enabled
    assert programme.is_apprenticeship
    entry = AuditEntry.objects.get_for_object(programme).get()
    assert entry.actor == supervisor
    assert "code" in entry.changes_dict


def test_edits_a_programme_and_audits_the_change(as_user, supervisor):
    programme = ProgrammeFactory(name="Old name", code="DA4")
    response = as_user(supervisor).post(
        edit_url(programme), {**GOOD, **NO_COMPONENTS, "version": "1"}
    )
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.name == "Data Analyst"
    entry = AuditEntry.objects.get_for_object(programme).latest("pk")
    assert entry.changes_dict["name"] == ["Old name", "Data Analyst"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("code", "p-taken", "Another programme already uses this code."),
        ("level", "8", "The level must be between 2 and 7."),
        ("level", "1", "The level must be between 2 and 7."),
        ("duration_months", "0", "The duration must be at least 1 month."),
        ("weekly_hours", "0", "Weekly hours must be more than 0."),
        ("weekly_hours", "-3", "Weekly hours must be more than 0."),
        ("planned_otj_hours", "0", "Planned off-the-job hours must be more than 0."),
        ("standard_code", "", "An apprenticeship needs its standard code."),
        ("name", "", "This field is required."),
    ],
)
def test_bad_input_re_renders_with_a_clear_message(as_user, supervisor, field, value, message):
    ProgrammeFactory(code="P-TAKEN")
    response = as_user(supervisor).post(CREATE, {**GOOD, field: value})
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert Programme.objects.count() == 1


def test_an_onboarding_programme_cannot_be_an_apprenticeship(as_user, supervisor):
    response = as_user(supervisor).post(CREATE, {**GOOD, "kind": "ONBOARDING"})
    assert response.status_code == 200
    assert "is_apprenticeship" in response.context["form"].errors
    assert not Programme.objects.exists()


def test_a_programme_keeps_its_own_code_when_edited(as_user, supervisor):
    programme = ProgrammeFactory(code="DA4")
    assert (
        as_user(supervisor)
        .post(edit_url(programme), {**GOOD, **NO_COMPONENTS, "version": "1"})
        .status_code
        == 302
    )


def test_the_create_page_says_where_the_ilr_template_is_edited(as_user, supervisor):
    body = as_user(supervisor).get(CREATE).content.decode()
    assert "edited in the Django admin" in body


def test_a_stale_edit_is_refused_with_who_changed_what_and_keeps_the_typed_values(
    as_user, supervisor, tutor
):
    programme = ProgrammeFactory(name="Old name", code="DA4")
    client = as_user(supervisor)
    client.post(
        edit_url(programme), {**GOOD, **NO_COMPONENTS, "name": "First change", "version": "1"}
    )

    response = client.post(
        edit_url(programme), {**GOOD, **NO_COMPONENTS, "name": "Second change", "version": "1"}
    )

    assert response.status_code == 409
    body = response.content.decode()
    assert "your changes were not saved" in body
    assert "First change" in body  # what the other save changed
    assert 'value="Second change"' in body  # what was typed is kept
    assert 'name="version" value="2"' in body
    programme.refresh_from_db()
    assert programme.name == "First change"


def test_saving_again_after_a_conflict_keeps_the_typed_values(as_user, supervisor):
    programme = ProgrammeFactory(name="Old name", code="DA4")
    client = as_user(supervisor)
    client.post(
        edit_url(programme), {**GOOD, **NO_COMPONENTS, "name": "First change", "version": "1"}
    )

    response = client.post(
        edit_url(programme), {**GOOD, **NO_COMPONENTS, "name": "Second change", "version": "2"}
    )

    assert response.status_code == 302
    programme.refresh_from_db()
    assert (programme.name, programme.version) == ("Second change", 3)
