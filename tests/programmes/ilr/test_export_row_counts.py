"""A finished ILR export states how many learners its file holds, and the file's name."""

import io

import pytest
from django.contrib.auth.models import Group as Role
from lxml import etree

from programmes.ilr import xml_file
from programmes.ilr.models import IlrExport
from tests.factories import EnrolmentFactory, ProgrammeFactory, UserFactory, make_ilr

EXPORT = "/programmes/ilrs/export/"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def ilr_manager(tutor):
    tutor.roles.add(Role.objects.get(name="Manage ILRs"))
    return tutor


def _learners_in(export: IlrExport) -> int:
    with export.file.open("rb") as handle:
        doc = etree.parse(io.BytesIO(handle.read()), xml_file.safe_parser())
    return len(doc.findall("i:Learner", {"i": "ESFA/ILR/2025-26"}))


@pytest.mark.parametrize("size", [1, 4])
def test_the_finished_page_states_the_learners_in_the_file_and_its_name(
    as_user, ilr_manager, tree, size
):
    programme = ProgrammeFactory(ilr_enabled=True)
    for _ in range(size):
        learner = UserFactory(groups=[tree["cohort"]])
        EnrolmentFactory(learner=learner, programme=programme)
        make_ilr(learner)
    client = as_user(ilr_manager)
    response = client.post(EXPORT, {"year": "2526", "include_unverified": "on"})
    export = IlrExport.objects.get()
    assert export.status == IlrExport.Status.READY
    assert _learners_in(export) == size
    page = client.get(response["Location"]).content.decode()
    assert f"{size} learner{'' if size == 1 else 's'} passed" in page
    assert f"Download {export.file_name}" in page
    assert f'<h1 class="h2">ILR export {export.file_name}</h1>' in page
