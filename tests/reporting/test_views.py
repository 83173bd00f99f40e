"""My exports, one export's page, its download and Start again: only the creator reaches an
export (404 for anyone else, Supervisors included), and only while they hold the export's
permission (403)."""

import pytest
from django.contrib.auth.models import Group as Role
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from reporting.models import FileExport

VIEWS = ["/exports/{pk}/", "/exports/{pk}/download/"]


def _lose_export_role(user) -> None:
    user.roles.remove(Role.objects.get(name="Data Export"))


@pytest.mark.parametrize("url", [*VIEWS, "/exports/"])
def test_anonymous_is_redirected_to_login(client, ready_export, url):
    response = client.get(url.format(pk=ready_export.pk))
    assert response["Location"].startswith("/login/")


@pytest.mark.parametrize("url", VIEWS)
@pytest.mark.parametrize("other", ["colleague", "outsider", "supervisor"])
def test_anyone_but_the_creator_gets_404(request, as_user, ready_export, url, other):
    client = as_user(request.getfixturevalue(other))
    assert client.get(url.format(pk=ready_export.pk)).status_code == 404


def test_start_again_by_anyone_but_the_creator_gets_404(as_user, supervisor, ready_export):
    response = as_user(supervisor).post(f"/exports/{ready_export.pk}/start-again/")
    assert response.status_code == 404
    assert FileExport.objects.count() == 1


@pytest.mark.parametrize("url", VIEWS)
def test_a_creator_without_the_export_permission_gets_403(as_user, tutor, ready_export, url):
    _lose_export_role(tutor)
    assert as_user(tutor).get(url.format(pk=ready_export.pk)).status_code == 403


def test_my_exports_without_the_export_permission_gets_403(as_user, colleague):
    assert as_user(colleague).get("/exports/").status_code == 403


def test_the_creator_sees_the_page_and_downloads_the_file(as_user, tutor, ready_export):
    client = as_user(tutor)
    page = client.get(f"/exports/{ready_export.pk}/")
    assert page.status_code == 200
    assert "Download users-20261201-1003-1-row.csv (1 row, 30" in page.text
    download = client.get(f"/exports/{ready_export.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Disposition"] == (
        'attachment; filename="users-20261201-1003-1-row.csv"'
    )
    assert b"".join(download.streaming_content).endswith(b"# 1 row\r\n")


def test_start_again_of_a_job_still_running_makes_no_new_job(as_user, tutor, ready_export):
    FileExport.objects.filter(pk=ready_export.pk).update(status=FileExport.Status.RUNNING)
    response = as_user(tutor).post(f"/exports/{ready_export.pk}/start-again/")
    assert response["Location"] == f"/exports/{ready_export.pk}/"
    assert FileExport.objects.count() == 1


def test_start_again_answers_only_post(as_user, tutor, ready_export):
    assert as_user(tutor).get(f"/exports/{ready_export.pk}/start-again/").status_code == 405


def test_my_exports_lists_only_the_viewers_own_newest_first(as_user, tutor, outsider, ready_export):
    FileExport.objects.create(kind="users", label="Someone else's", created_by=outsider)
    newer = FileExport.objects.create(kind="users", label="Users: status Expired", created_by=tutor)
    page = as_user(tutor).get("/exports/").text
    assert "Someone else&#x27;s" not in page
    assert page.index(newer.label) < page.index(ready_export.label)


def test_my_exports_says_what_each_count_counts(as_user, tutor, ready_export):
    FileExport.objects.create(
        kind="mandates",
        label="Mandates (PDF): user name smith",
        created_by=tutor,
        status=FileExport.Status.READY,
        row_count=9,
    )
    FileExport.objects.create(
        kind="users", label="Users: running", created_by=tutor, rows_done=2000
    )
    page = as_user(tutor).get("/exports/").text
    assert "1 row<" in page
    assert "9 learners" in page
    assert "2,000 rows so far" in page


def test_my_exports_without_any_says_so(as_user, tutor):
    page = as_user(tutor).get("/exports/").text
    assert "No exports yet." in page
    assert "empty-state" in page


def test_my_exports_runs_a_fixed_number_of_queries(as_user, tutor, ready_export):
    client = as_user(tutor)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/exports/").status_code == 200
        return len(captured)

    few = queries()
    for n in range(20):
        FileExport.objects.create(
            kind="users", label=f"Users {n}", created_by=tutor, expires_at=timezone.now()
        )
    assert queries() == few


def test_the_menu_links_my_exports_for_those_who_may_export(as_user, tutor, colleague):
    assert 'href="/exports/"' in as_user(tutor).get("/users/").text
    assert 'href="/exports/"' not in as_user(colleague).get("/users/").text


def test_the_support_admin_shows_exports_read_only(client, supervisor, ready_export):
    supervisor.is_staff = supervisor.is_superuser = True
    supervisor.save()
    client.force_login(supervisor)
    assert client.get("/admin/reporting/fileexport/").status_code == 200
    page = client.get(f"/admin/reporting/fileexport/{ready_export.pk}/change/")
    assert page.status_code == 200
    assert 'name="_save"' not in page.text
