"""The Documents page (/users/<id>/documents/) and the profile's Documents section."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from documents.models import Document

from .conftest import add_document


def url(learner, query=""):
    return f"/users/{learner.pk}/documents/" + (f"?{query}" if query else "")


def _queries(client, path) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_anonymous_is_redirected_to_login(client, learner):
    assert client.get(url(learner))["Location"].startswith("/login/")


def test_outsider_gets_404(as_user, outsider, learner):
    assert as_user(outsider).get(url(learner)).status_code == 404


def test_a_learner_cannot_open_the_administration_page(as_user, learner):
    assert as_user(learner).get(url(learner)).status_code == 403


def test_any_administrator_in_scope_sees_the_list_without_the_actions(
    as_user, colleague, tutor, learner
):
    document = add_document(learner, tutor, description="Signed contract")
    body = as_user(colleague).get(url(learner)).content.decode()
    download = f"/users/{learner.pk}/documents/{document.pk}/download/"
    assert f'<a href="{download}">Signed contract</a>' in body
    assert "payslip.pdf" in body
    assert "Upload document</a>" not in body
    assert "/edit/" not in body
    assert "/delete/" not in body


def test_the_tutor_may_upload_edit_and_replace_but_not_delete(as_user, tutor, learner):
    add_document(learner, tutor)
    body = as_user(tutor).get(url(learner)).content.decode()
    assert f'href="/users/{learner.pk}/documents/upload/">Upload document</a>' in body
    assert "Replace file" in body
    assert ">Delete<" not in body


def test_the_supervisor_may_delete(as_user, supervisor, learner):
    document = add_document(learner, supervisor)
    body = as_user(supervisor).get(url(learner)).content.decode()
    assert f"/users/{learner.pk}/documents/{document.pk}/delete/" in body


def test_lists_25_a_page_newest_first_with_each_row_described(as_user, tutor, learner):
    start = timezone.make_aware(datetime.datetime(2026, 3, 4, 10, 30))
    for day in range(30):
        document = add_document(learner, tutor, description=f"Doc {day}")
        Document.objects.filter(pk=document.pk).update(
            created_at=start + datetime.timedelta(days=day)
        )
    client = as_user(tutor)
    first = client.get(url(learner))
    rows = list(first.context["page"].object_list)
    assert len(rows) == 25
    assert rows[0].description == "Doc 29"
    body = first.content.decode()
    assert "30 documents, newest first." in body
    assert "Learner&#x27;s documents" in body
    assert "02/04/2026 10:30 by Tara Tutor" in body
    for heading in ("Document", "File", "Folder", "Size", "Uploaded", "Visible to learner"):
        assert f'<th scope="col">{heading}</th>' in body
    assert len(client.get(url(learner, "page=2")).context["page"].object_list) == 5


def test_the_folder_tabs_filter_the_list(as_user, tutor, learner):
    add_document(learner, tutor, description="Own file")
    add_document(learner, tutor, description="Plan", folder="PROGRAMME")
    client = as_user(tutor)
    body = client.get(url(learner, "folder=PROGRAMME")).content.decode()
    assert "Plan" in body
    assert "Own file" not in body
    assert 'aria-current="page">Programme documents' in body
    empty = client.get(url(learner, "folder=REVIEWS")).content.decode()
    assert "0</strong> documents match these filters." in empty
    # An unknown folder is ignored, never an error.
    assert "Own file" in client.get(url(learner, "folder=NOPE")).content.decode()


def test_deleted_documents_are_not_listed(as_user, tutor, learner):
    document = add_document(learner, tutor, description="Gone")
    document.deleted_at = timezone.now()
    document.save()
    body = as_user(tutor).get(url(learner)).content.decode()
    assert "Gone" not in body
    assert "No documents yet." in body


def test_the_versions_column_counts_the_files(as_user, tutor, learner):
    from documents.models import DocumentVersion

    document = add_document(learner, tutor)
    DocumentVersion.objects.create(
        document=document,
        learner=learner,
        file=document.file.name,
        original_name="old.pdf",
        content_type="application/pdf",
        size=1,
        sha256="1" * 64,
    )
    page = as_user(tutor).get(url(learner))
    assert page.context["page"].object_list[0].earlier_versions == 1
    assert "<td>2 · " in page.content.decode()


def test_the_page_runs_a_fixed_number_of_queries(as_user, tutor, colleague, learner):
    client = as_user(tutor)
    add_document(learner, tutor)
    small = _queries(client, url(learner))
    for n in range(12):
        add_document(learner, colleague if n % 2 else None, folder="PROGRAMME")
    assert _queries(client, url(learner)) == small
    assert _queries(client, url(learner, "folder=PROGRAMME")) == small


# The profile's section


def test_the_section_shows_the_count_the_newest_five_and_see_all(as_user, tutor, learner):
    for n in range(7):
        add_document(learner, tutor, description=f"Document number {n}")
    response = as_user(tutor).get(f"/users/{learner.pk}/")
    body = response.content.decode()
    assert "7 documents; the newest 5 are shown." in body
    assert "Document number 6" in body
    assert "Document number 1" not in body
    assert f'href="/users/{learner.pk}/documents/">See all' in body
    section = next(s for s in response.context["sections"] if s["section"].key == "documents")
    assert section["count"] == "7"


def test_the_section_says_when_there_are_none(as_user, colleague, learner):
    body = as_user(colleague).get(f"/users/{learner.pk}/").content.decode()
    assert "No documents yet." in body
    assert "Upload document</a>" not in body


def test_the_profile_runs_a_fixed_number_of_queries_with_documents(
    as_user, tutor, colleague, learner
):
    client = as_user(tutor)
    add_document(learner, tutor)

    def profile_queries() -> int:
        return _queries(client, f"/users/{learner.pk}/")

    small = profile_queries()
    for n in range(9):
        add_document(learner, colleague if n % 2 else tutor, folder="REVIEWS")
    assert profile_queries() == small
