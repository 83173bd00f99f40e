"""The portal never offers a link its viewer may not follow (issue 11, point 2).

Each of the cast opens a richly populated learner's profile, follows every link on it, and one
hop further every link of the learner's own pages (under /users/<id>/ or /programmes/); none may
answer 403 or 500. A 404 is allowed only where the viewer cannot see the learner at all.
"""

import datetime
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.files.base import ContentFile

from activity.models import Task
from documents.models import Document
from programmes.learning.models import WizardProgress
from tests.activity.factories import TaskFactory
from tests.crm.factories import AdminLinkFactory, CrmLinkFactory, NoteFactory
from tests.factories import (
    AdminFactory,
    EnrolmentFactory,
    FunctionalSkillFactory,
    LearnerComponentFactory,
    LearnerCourseFactory,
    MilestoneFactory,
    OtjEntryFactory,
    ProgrammeComponentFactory,
    ProgrammeFactory,
    make_ilr,
)
from tests.sample_files import pdf_bytes


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def links_on(body: str) -> list[str]:
    """The page's own links (paths on this site), without fragments, in order, once each."""
    parser = _Links()
    parser.feed(body)
    found = []
    for href in parser.hrefs:
        href = urldefrag(href).url
        parts = urlsplit(href)
        if parts.scheme or parts.netloc or not href.startswith("/"):
            continue
        if href not in found:
            found.append(href)
    return found


# Two more of the cast, with the roles that split the onboarding wizard: one may change the
# learning plan but not the ILR, the other the ILR but not the plan.
@pytest.fixture
def planner(tree):
    return AdminFactory(
        groups=[tree["north"]], roles=["Standard administrator", "Edit Programme Details"]
    )


@pytest.fixture
def ilr_clerk(tree):
    return AdminFactory(groups=[tree["north"]], roles=["Standard administrator", "Manage ILRs"])


@pytest.fixture
def rich_learner(learner, tutor, colleague, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    programme = ProgrammeFactory(is_apprenticeship=True)
    ProgrammeComponentFactory(programme=programme)
    enrolment = EnrolmentFactory(learner=learner, programme=programme, is_current=True)
    EnrolmentFactory(learner=learner, is_current=False, status="COMPLETE")
    make_ilr(learner)
    MilestoneFactory(learner=learner, enrolment=enrolment)
    NoteFactory(learner=learner, created_by=tutor)
    NoteFactory(learner=learner, created_by=colleague)
    LearnerComponentFactory(enrolment=enrolment)
    OtjEntryFactory(enrolment=enrolment)
    FunctionalSkillFactory(learner=learner)
    LearnerCourseFactory(learner=learner)
    AdminLinkFactory(learner=learner, admin=tutor)
    CrmLinkFactory(learner=learner)
    TaskFactory(learner=learner, created_by=tutor)
    TaskFactory(learner=learner, created_by=tutor, status=Task.Status.DONE)
    for step in (WizardProgress.Step.INTRODUCTION, WizardProgress.Step.ADVICE):
        WizardProgress.objects.create(learner=learner, step=step, data={}, completed_at=None)
    mandate = Document(
        kind=Document.Kind.MANDATE,
        learner=learner,
        original_name="mandate.pdf",
        content_type="application/pdf",
        size=10,
        sha256="0" * 64,
        created_by=tutor,
    )
    mandate.file.save("mandate.pdf", ContentFile(pdf_bytes()), save=False)
    mandate.save()
    learner.date_of_birth = datetime.date(2000, 5, 1)
    learner.save()
    return learner


def _walk(client, start: str, learner_pk: int) -> dict[str, int]:
    """GET ``start``, every link on it, and every link on those of the learner's own pages."""
    statuses: dict[str, int] = {}
    own = (f"/users/{learner_pk}/", "/programmes/", f"/audit/users/{learner_pk}/")

    def get(path: str) -> str:
        response = client.get(path)
        statuses[path] = response.status_code
        ok = response.status_code == 200 and "text/html" in response.get("Content-Type", "")
        return response.content.decode() if ok else ""

    bodies = {path: get(path) for path in links_on(get(start)) if path not in statuses}
    for path, body in bodies.items():
        if path.startswith(own):
            for further in links_on(body):
                if further not in statuses and further.startswith(own):
                    get(further)
    return statuses


@pytest.mark.parametrize("member", ["tutor", "colleague", "supervisor", "planner", "ilr_clerk"])
def test_no_link_from_a_learners_profile_leads_to_403_or_500(request, client, rich_learner, member):
    viewer = request.getfixturevalue(member)
    client.force_login(viewer)
    statuses = _walk(client, f"/users/{rich_learner.pk}/", rich_learner.pk)
    assert statuses[f"/users/{rich_learner.pk}/"] == 200
    # Enough pages to be sure the walk reached every section's own pages.
    assert len(statuses) >= 15, statuses
    refused = {path: code for path, code in statuses.items() if code in (403, 500)}
    assert refused == {}, f"{member} is offered links that answer 403 or 500: {refused}"


def test_an_outsider_is_not_offered_the_learner_at_all(client, rich_learner, outsider):
    client.force_login(outsider)
    statuses = _walk(client, f"/users/{rich_learner.pk}/", rich_learner.pk)
    assert statuses == {f"/users/{rich_learner.pk}/": 404}


def test_a_learners_own_page_offers_no_link_into_a_403(client, rich_learner):
    client.force_login(rich_learner)
    statuses = _walk(client, "/me/", rich_learner.pk)
    assert statuses["/me/"] == 200
    refused = {path: code for path, code in statuses.items() if code in (403, 500)}
    assert refused == {}, f"the learner is offered links that answer 403 or 500: {refused}"
