"""Long forms in titled parts (aptem.fieldsets, components/_fieldsets.html): every visible field
of every such form is in exactly one part, and the pages show the parts with an index."""

import importlib
import re
from pathlib import Path

import pytest
from django import forms
from django.conf import settings

from aptem.fieldsets import FieldsetsMixin, layout_problems
from programmes.ilr.forms import IlrAdminForm, IlrUserForm
from tests.factories import make_ilr
from users.forms import AdminForm, EmployerForm, LearnerForm, ReferrerForm


def _forms_with_a_layout() -> set[type]:
    """Every form class of the project that uses FieldsetsMixin (its forms modules imported)."""
    for path in Path(settings.BASE_DIR).glob("*/**/forms.py"):
        if ".venv" not in path.parts and "tests" not in path.parts:
            relative = path.relative_to(settings.BASE_DIR).with_suffix("")
            importlib.import_module(".".join(relative.parts))
    found, todo = set(), [FieldsetsMixin]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub.layout and not sub.__module__.startswith("tests."):
                found.add(sub)
    return found


@pytest.fixture
def instances(tutor, supervisor, learner, tree) -> dict[type, list[forms.BaseForm]]:
    """Each form with a layout as its pages build it, in each variant that adds or drops fields
    (creating or editing, roles or none, special-category data or not)."""
    ilr = make_ilr(learner)
    admin = supervisor
    ilr_kwargs = {"instance": ilr, "version": ilr.version}
    return {
        LearnerForm: [
            LearnerForm(viewer=tutor),
            LearnerForm(instance=learner, viewer=tutor),
        ],
        EmployerForm: [EmployerForm(viewer=tutor)],
        ReferrerForm: [ReferrerForm(viewer=tutor)],
        AdminForm: [
            AdminForm(viewer=supervisor),
            AdminForm(instance=admin, viewer=supervisor),
            AdminForm(instance=admin, viewer=tutor),
        ],
        IlrUserForm: [
            IlrUserForm(sensitive=True, **ilr_kwargs),
            IlrUserForm(sensitive=False, **ilr_kwargs),
        ],
        IlrAdminForm: [IlrAdminForm(**ilr_kwargs)],
    }


def test_every_form_with_a_layout_is_checked_here(instances):
    missing = _forms_with_a_layout() - set(instances)
    assert not missing, f"add the new forms to the instances fixture: {missing}"


def test_every_visible_field_is_in_exactly_one_part(instances):
    for form_class, variants in instances.items():
        for form in variants:
            assert layout_problems(form) == [], form_class.__name__
            shown = [bound.name for part in form.fieldsets for bound in part.fields]
            assert len(shown) == len(set(shown)), form_class.__name__
            visible = {
                name
                for name, field in form.fields.items()
                if not field.widget.is_hidden and name not in form.outside_fieldsets
            }
            assert set(shown) == visible, form_class.__name__


class _Forgetful(FieldsetsMixin, forms.Form):
    name = forms.CharField()
    email = forms.EmailField()
    phone = forms.CharField()
    layout = [("Who", ["name", "name"]), ("How to reach", ["email", "fax"])]


def test_a_forgotten_field_is_reported_and_still_shown():
    form = _Forgetful()
    assert layout_problems(form) == [
        "phone is in no part of the layout",
        "name is in more than one part (again in 'Who')",
        "'How to reach' names fax, which is no field of the form",
    ]
    assert [(p.title, [f.name for f in p.fields]) for p in form.fieldsets][-1] == (
        "Other details",
        ["phone"],
    )


def _parts(body: str) -> list[tuple[str, str]]:
    """(id, legend) of each part's <fieldset> with an id."""
    return re.findall(
        r'<fieldset class="mb-4" id="([^"]+)">\s*<legend class="h5">([^<]+)', body, re.DOTALL
    )


def _index_links(body: str) -> list[str]:
    index = body.split('id="form-index-heading"')[1].split("</nav>")[0]
    return re.findall(r'<a href="#([^"]+)">', index)


def test_the_create_user_page_shows_its_parts_after_an_index_of_them(as_user, tutor):
    body = as_user(tutor).get("/users/create/user/").content.decode()
    parts = _parts(body)
    assert [legend for _, legend in parts] == [title for title, _ in LearnerForm.layout]
    assert _index_links(body) == [anchor for anchor, _ in parts]
    # Each field inside its part: Email among the contact details.
    contact = body.split('id="fieldset-contact-details"')[1].split("</fieldset>")[0]
    assert 'name="email"' in contact
    assert 'name="first_name"' not in contact


def test_the_index_says_which_parts_have_a_problem(as_user, tutor):
    response = as_user(tutor).post("/users/create/user/", {"first_name": "Amara"})
    body = response.content.decode()
    index = body.split('id="form-index-heading"')[1].split("</nav>")[0]
    # The surname is missing (personal details) and so is a group (groups and people).
    assert re.search(r"Personal details</a>\s*<span[^>]*>\(1 problem\)", index)
    assert re.search(r"Groups and people</a>\s*<span[^>]*>\(1 problem\)", index)
    assert not re.search(r"Address</a>\s*<span", index)


def test_the_edit_user_page_keeps_the_groups_picker_in_its_part(as_user, tutor, learner):
    body = as_user(tutor).get(f"/users/{learner.pk}/edit/").content.decode()
    groups = body.split('id="fieldset-groups-and-people"')[1].split('id="fieldset-subscription"')[0]
    assert 'class="scroll-box' in groups
    assert 'name="groups"' in groups
    assert 'name="version"' in body


def test_the_edit_admin_page_has_parts_and_an_index(as_user, supervisor, tutor):
    body = as_user(supervisor).get(f"/users/{tutor.pk}/edit/").content.decode()
    assert [legend for _, legend in _parts(body)] == [title for title, _ in AdminForm.layout]
    assert 'name="roles"' in body.split('id="fieldset-role-and-groups"')[1]


@pytest.mark.parametrize(
    ("tab", "form_class", "formsets"),
    [
        ("user", IlrUserForm, ["lldd", "prior", "lfam", "emp"]),
        ("admin", IlrAdminForm, ["psm", "dest"]),
    ],
)
def test_the_edit_ilr_tabs_index_their_parts_and_child_records(
    as_user, supervisor, learner, tab, form_class, formsets
):
    make_ilr(learner)
    body = as_user(supervisor).get(f"/users/{learner.pk}/ilr/edit/{tab}/").content.decode()
    parts = _parts(body)
    titles = [title for title, _ in form_class.layout]
    assert [legend for _, legend in parts][: len(titles)] == titles
    links = _index_links(body)
    assert links == [anchor for anchor, _ in parts[: len(titles)]] + [
        f"fieldset-{prefix}" for prefix in formsets
    ]
    for anchor in links:
        assert f'id="{anchor}"' in body
