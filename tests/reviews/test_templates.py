"""Review templates on the Manage Programmes pages: the permission matrix, adding, editing in
place while unused and as a new version once a review uses it, sections and questions, clone."""

import pytest
from django.contrib.contenttypes.models import ContentType

from audit.models import AuditEntry
from reviews import services
from reviews.models import Question, Review, ReviewTemplate, TemplateSection
from tests.factories import ProgrammeFactory

from .factories import grant, questions


@pytest.fixture
def manager(tutor):
    return grant(tutor, "Manage Review Templates")


@pytest.fixture
def programme(db):
    return ProgrammeFactory(name="Data Technician")


@pytest.fixture
def used(template, tutor, enrolment):
    """``template`` with a review started from it."""
    services.review_start(
        enrolment=enrolment,
        template=template,
        meeting_type="VIDEO",
        checklist_done=template.checklist_items(),
        actor=tutor,
    )
    return template


def settings_post(template, **extra) -> dict:
    data = {
        "name": template.name,
        "purpose": template.purpose,
        "visible_to_learner": "on",
        "learner_signs": "on",
        "administrator_signs": "on",
        "checklist": template.checklist,
        "version": template.version,
    }
    data.update(extra)
    return data


def pages(template):
    t = template.pk
    section = template.sections.first()
    question = Question.objects.filter(section=section).first()
    return [
        f"/programmes/{template.programme_id}/review-templates/",
        f"/programmes/{template.programme_id}/review-templates/add/",
        f"/review-templates/{t}/",
        f"/review-templates/{t}/sections/add/",
        f"/review-templates/{t}/sections/{section.pk}/edit/",
        f"/review-templates/{t}/sections/{section.pk}/questions/add/",
        f"/review-templates/{t}/questions/{question.pk}/edit/",
    ]


def test_anonymous_is_sent_to_sign_in(client, template):
    for page in pages(template):
        response = client.get(page)
        assert response.status_code == 302, page
        assert "login" in response["Location"]


@pytest.mark.parametrize("who", ["tutor", "colleague", "outsider"])
def test_without_the_permission_every_page_is_403(request, as_user, who, template):
    client = as_user(request.getfixturevalue(who))
    for page in pages(template):
        assert client.get(page).status_code == 403, page
    section = template.sections.first()
    url = f"/review-templates/{template.pk}/sections/{section.pk}/delete/"
    assert client.post(url, {"version": template.version}).status_code == 403
    assert TemplateSection.objects.filter(pk=section.pk).exists()


def test_a_learner_is_refused(as_user, learner, template):
    assert as_user(learner).get(pages(template)[0]).status_code == 403


@pytest.mark.parametrize("who", ["manager", "supervisor"])
def test_managers_and_supervisors_see_every_page(request, as_user, who, template):
    client = as_user(request.getfixturevalue(who))
    for page in pages(template):
        assert client.get(page).status_code == 200, page


def test_the_programme_pages_link_to_the_templates(as_user, supervisor, template):
    body = as_user(supervisor).get("/programmes/").content.decode()
    assert f"/programmes/{template.programme_id}/review-templates/" in body


def test_adding_a_template_is_audited(as_user, manager, programme):
    response = as_user(manager).post(
        f"/programmes/{programme.pk}/review-templates/add/",
        {"name": "Gateway", "purpose": "GATEWAY", "checklist": "Check the portfolio\n\n"},
    )
    template = ReviewTemplate.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/review-templates/{template.pk}/"
    assert template.checklist_items() == ["Check the portfolio"]
    assert template.created_by == manager
    assert AuditEntry.objects.filter(object_pk=str(template.pk), action=0).exists()


def test_adding_without_a_name_saves_nothing_and_keeps_what_was_typed(as_user, manager, programme):
    response = as_user(manager).post(
        f"/programmes/{programme.pk}/review-templates/add/",
        {"name": "", "purpose": "NOPE", "checklist": "Bring the laptop"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "This field is required." in body
    assert "Select a valid choice." in body
    assert "Bring the laptop" in body
    assert not ReviewTemplate.objects.exists()


def test_editing_an_unused_template_changes_it_in_place(as_user, manager, template):
    response = as_user(manager).post(
        f"/review-templates/{template.pk}/", settings_post(template, name="Termly review")
    )
    assert response.status_code == 302
    assert response["Location"] == f"/review-templates/{template.pk}/"
    template.refresh_from_db()
    assert template.name == "Termly review"
    assert template.number == 1
    assert ReviewTemplate.objects.count() == 1


def test_editing_a_template_in_use_makes_version_2_and_reviews_keep_version_1(
    as_user, manager, used
):
    review = Review.objects.get()
    response = as_user(manager).post(
        f"/review-templates/{used.pk}/", settings_post(used, name="Termly review")
    )
    new = ReviewTemplate.objects.get(is_current=True)
    assert response.status_code == 302
    assert response["Location"] == f"/review-templates/{new.pk}/"
    assert (new.number, new.name, new.family) == (2, "Termly review", used.family)
    assert new.sections.count() == 2
    assert set(questions(new)) == set(questions(used))
    used.refresh_from_db()
    assert (used.number, used.name, used.is_current) == (1, "Progress review", False)
    review.refresh_from_db()
    assert review.template == used
    # The old version is not edited any more.
    assert as_user(manager).get(f"/review-templates/{used.pk}/").status_code == 404


def test_adding_a_question_to_a_template_in_use_makes_a_new_version(as_user, manager, used):
    section = used.sections.first()
    response = as_user(manager).post(
        f"/review-templates/{used.pk}/sections/{section.pk}/questions/add/",
        {"kind": "SHORT_TEXT", "text": "Anything else?", "version": used.version},
    )
    assert response.status_code == 302
    new = ReviewTemplate.objects.get(is_current=True)
    assert new.number == 2
    assert "Anything else?" in questions(new)
    assert "Anything else?" not in questions(used)


def test_a_single_choice_needs_two_options(as_user, manager, template):
    section = template.sections.first()
    before = Question.objects.count()
    response = as_user(manager).post(
        f"/review-templates/{template.pk}/sections/{section.pk}/questions/add/",
        {"kind": "CHOICE", "text": "Pick one", "options": "Only\n", "version": template.version},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "A single choice needs at least two options" in body
    assert "Pick one" in body
    assert Question.objects.count() == before


def test_a_stale_template_form_is_refused(as_user, manager, template):
    response = as_user(manager).post(
        f"/review-templates/{template.pk}/", settings_post(template, name="X", version=0)
    )
    assert response.status_code == 409
    template.refresh_from_db()
    assert template.name == "Progress review"


def test_sections_move_rename_and_delete(as_user, manager, template):
    client = as_user(manager)
    first, second = template.sections.all()
    client.post(
        f"/review-templates/{template.pk}/sections/{second.pk}/move/up/",
        {"version": template.version},
    )
    assert [s.title for s in template.sections.all()] == ["The record", "How it is going"]
    template.refresh_from_db()
    client.post(
        f"/review-templates/{template.pk}/sections/{first.pk}/edit/",
        {"title": "Talk", "version": template.version},
    )
    template.refresh_from_db()
    client.post(
        f"/review-templates/{template.pk}/sections/{second.pk}/delete/",
        {"version": template.version},
    )
    assert [s.title for s in template.sections.all()] == ["Talk"]
    assert ReviewTemplate.objects.count() == 1


def test_questions_move_and_delete(as_user, manager, template):
    client = as_user(manager)
    q = questions(template)
    client.post(
        f"/review-templates/{template.pk}/questions/{q['Confidence'].pk}/move/up/",
        {"version": template.version},
    )
    section = template.sections.first()
    assert [x.text for x in section.questions.all()][:2] == ["Confidence", "What went well?"]
    template.refresh_from_db()
    client.post(
        f"/review-templates/{template.pk}/questions/{q['Wellbeing'].pk}/delete/",
        {"version": template.version},
    )
    assert "Wellbeing" not in questions(template)


def test_cloning_copies_a_template_from_another_programme(as_user, manager, template, programme):
    response = as_user(manager).post(
        f"/programmes/{programme.pk}/review-templates/clone/", {"source": template.pk}
    )
    copy = ReviewTemplate.objects.get(programme=programme)
    assert response.status_code == 302
    assert (copy.number, copy.is_current, copy.name) == (1, True, template.name)
    assert copy.family != template.family
    assert set(questions(copy)) == set(questions(template))


def test_cloning_refuses_a_template_of_the_same_programme(as_user, manager, template):
    response = as_user(manager).post(
        f"/programmes/{template.programme_id}/review-templates/clone/", {"source": template.pk}
    )
    assert response.status_code == 400
    assert ReviewTemplate.objects.count() == 1


def test_a_template_edit_is_on_the_audit_trail_of_the_template(manager, used):
    services.template_update(
        template=used, data={"name": "Renamed"}, based_on_version=used.version, actor=manager
    )
    kind = ContentType.objects.get_for_model(ReviewTemplate)
    old = AuditEntry.objects.filter(content_type=kind, object_pk=str(used.pk)).latest("pk")
    assert "is_current" in old.changes_dict
    assert old.actor == manager
    new = ReviewTemplate.objects.get(is_current=True)
    created = AuditEntry.objects.filter(content_type=kind, object_pk=str(new.pk)).latest("pk")
    assert created.changes_dict["name"][1] == "Renamed"


@pytest.mark.parametrize(
    ("learner_signs", "employer_signs", "administrator_signs", "words"),
    [
        (True, True, True, "Learner, employer and administrator"),
        (True, False, True, "Learner and administrator"),
        (False, True, False, "Employer"),
        (False, False, False, "Nobody"),
    ],
)
def test_the_templates_list_says_who_signs_in_words(
    learner_signs, employer_signs, administrator_signs, words
):
    template = ReviewTemplate(
        learner_signs=learner_signs,
        employer_signs=employer_signs,
        administrator_signs=administrator_signs,
    )
    assert template.signers_text == words
