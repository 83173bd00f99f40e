"""Manage ILRs: the list in scope, batch export jobs, downloads and one learner's file."""

import datetime
import io

import pytest
import time_machine
from django.contrib.auth.models import Group as Role
from lxml import etree

from audit.models import AuditEntry
from programmes.ilr import export_job, xml_file
from programmes.ilr.models import IlrExport, IlrLearner
from tests.factories import EnrolmentFactory, ProgrammeFactory, UserFactory, make_ilr

MANAGE = "/programmes/ilrs/"
EXPORT = "/programmes/ilrs/export/"


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def ilr_programme(db):
    return ProgrammeFactory(ilr_enabled=True)


@pytest.fixture
def ilr_manager(tutor):
    """The tutor with the Manage ILRs role: sees North and below."""
    tutor.roles.add(Role.objects.get(name="Manage ILRs"))
    return tutor


@pytest.fixture
def exported_ilr(learner, ilr_programme):
    EnrolmentFactory(learner=learner, programme=ilr_programme)
    return make_ilr(learner)


def _in_scope(tree, programme, n, group="cohort"):
    learners = []
    for _ in range(n):
        learner = UserFactory(groups=[tree[group]])
        EnrolmentFactory(learner=learner, programme=programme)
        make_ilr(learner)
        learners.append(learner)
    return learners


def _export_urls(export):
    return [
        f"/programmes/ilrs/exports/{export.pk}/",
        f"/programmes/ilrs/exports/{export.pk}/download/",
    ]


# --- Access ------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [MANAGE, "/programmes/ilrs/exports/1/", "/programmes/ilrs/import/"])
def test_anonymous_is_sent_to_login(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/login" in response["Location"]


def test_anonymous_cannot_start_an_export(client, db):
    assert client.post(EXPORT, {"year": "2526", "include_unverified": "on"}).status_code == 302
    assert not IlrExport.objects.exists()


def test_without_manage_ilrs_every_page_is_refused(as_user, tutor, exported_ilr, learner):
    client = as_user(tutor)
    assert client.get(MANAGE).status_code == 403
    assert client.post(EXPORT, {"year": "2526", "include_unverified": "on"}).status_code == 403
    assert client.get(f"/users/{learner.pk}/ilr/2526/export.xml").status_code == 403
    assert not IlrExport.objects.exists()


def test_a_learner_outside_the_viewers_groups_is_404_for_the_single_file(
    as_user, outsider, exported_ilr, learner
):
    outsider.roles.add(Role.objects.get(name="Manage ILRs"))
    assert as_user(outsider).get(f"/users/{learner.pk}/ilr/2526/export.xml").status_code == 404


def test_another_administrators_export_is_404_unless_the_viewer_sees_every_group(
    as_user, ilr_manager, supervisor, exported_ilr
):
    as_user(supervisor).post(EXPORT, {"year": "2526", "include_unverified": "on"})
    export = IlrExport.objects.get()
    for url in _export_urls(export):
        assert as_user(ilr_manager).get(url).status_code == 404
    assert as_user(supervisor).get(_export_urls(export)[0]).status_code == 200


# --- The list -----------------------------------------------------------------------------------


def test_the_list_shows_only_ilrs_in_scope(as_user, ilr_manager, tree, ilr_programme):
    [mine] = _in_scope(tree, ilr_programme, 1)
    [south] = _in_scope(tree, ilr_programme, 1, group="south")
    no_ilr_programme = UserFactory(groups=[tree["cohort"]])
    EnrolmentFactory(learner=no_ilr_programme, programme=ProgrammeFactory(ilr_enabled=False))
    make_ilr(no_ilr_programme)
    excluded = _in_scope(tree, ilr_programme, 1)[0]
    ilr = IlrLearner.objects.get(learner=excluded)
    ilr.episode_status = IlrLearner.EpisodeStatus.EXCLUDED
    ilr.save()
    response = as_user(ilr_manager).get(MANAGE)
    assert response.status_code == 200
    assert [i.learner for i in response.context["page"].object_list] == [mine]
    assert south not in [i.learner for i in response.context["page"].object_list]


def test_an_aim_linked_to_an_ilr_enabled_enrolment_puts_the_ilr_in_scope(
    as_user, ilr_manager, tree, ilr_programme
):
    learner = UserFactory(groups=[tree["cohort"]])
    old = EnrolmentFactory(learner=learner, programme=ilr_programme, is_current=False)
    ilr = make_ilr(learner)
    aim = ilr.deliveries.first()
    aim.enrolment = old
    aim.save()
    response = as_user(ilr_manager).get(MANAGE)
    assert [i.learner for i in response.context["page"].object_list] == [learner]


def test_an_empty_list_says_what_to_do(as_user, ilr_manager):
    text = as_user(ilr_manager).get(MANAGE).content.decode()
    assert "No ILRs are in scope" in text
    assert "No exports yet" in text


@pytest.mark.parametrize("size", [2, 12])
def test_the_list_runs_a_fixed_number_of_queries(
    as_user, ilr_manager, tree, ilr_programme, size, django_assert_num_queries
):
    _in_scope(tree, ilr_programme, size)
    client = as_user(ilr_manager)
    client.post(EXPORT, {"year": "2526", "include_unverified": "on"})
    client.get(MANAGE)  # warm the session
    # Session, user, permissions (two), visible groups, the page of ILRs with its count in
    # one query, recent exports, recent imports, the export form's group choices: the same at
    # both sizes.
    with django_assert_num_queries(9):
        response = client.get(MANAGE)
    assert len(response.context["page"].object_list) == size


# --- Export jobs ----------------------------------------------------------------------------------


def test_an_export_of_valid_learners_is_ready_validates_and_marks_them(
    as_user, ilr_manager, tree, ilr_programme
):
    learners = _in_scope(tree, ilr_programme, 3)
    client = as_user(ilr_manager)
    response = client.post(
        EXPORT, {"year": "2526", "include_unverified": "on"}, REMOTE_ADDR="203.0.113.9"
    )
    export = IlrExport.objects.get()
    assert response["Location"] == f"/programmes/ilrs/exports/{export.pk}/"
    assert export.status == IlrExport.Status.READY
    assert (export.total, export.done) == (3, 3)
    assert export.file_name.startswith("ILR-99999999-2526-")
    assert export.file_name.endswith("-01.xml")
    with export.file.open("rb") as handle:
        content = handle.read()
    assert xml_file.schema_errors(io.BytesIO(content)) == []
    ns = {"i": "ESFA/ILR/2025-26"}
    doc = etree.parse(io.BytesIO(content), xml_file.safe_parser())
    refs = [n.text for n in doc.findall("i:Learner/i:LearnRefNumber", ns)]
    assert refs == sorted(f"L{learner.pk}" for learner in learners)
    for learner in learners:
        ilr = IlrLearner.objects.get(learner=learner)
        assert ilr.last_export_file == export.file_name
        entry = AuditEntry.objects.filter(learner=learner, object_id=ilr.pk).latest("pk")
        assert entry.actor == ilr_manager
        assert entry.remote_addr == "203.0.113.9"
        assert set(entry.changes_dict) == {"last_exported_at", "last_export_file"}
    page = client.get(response["Location"]).content.decode()
    assert "Download " + export.file_name in page
    assert "hx-trigger" not in page


def test_the_second_export_takes_the_next_serial(as_user, ilr_manager, exported_ilr):
    client = as_user(ilr_manager)
    client.post(EXPORT, {"year": "2526", "include_unverified": "on"})
    client.post(EXPORT, {"year": "2526", "include_unverified": "on"})
    assert sorted(IlrExport.objects.values_list("serial_no", flat=True)) == [1, 2]
    assert sorted(e.file_name[-6:] for e in IlrExport.objects.all()) == ["01.xml", "02.xml"]


def test_a_learner_breaking_a_rule_stops_the_file_and_is_listed_with_a_link(
    as_user, ilr_manager, tree, ilr_programme
):
    [good, bad] = _in_scope(tree, ilr_programme, 2)
    ilr = IlrLearner.objects.get(learner=bad)
    ilr.uln = "1000000063"
    ilr.save()
    client = as_user(ilr_manager)
    response = client.post(EXPORT, {"year": "2526", "include_unverified": "on"})
    export = IlrExport.objects.get()
    assert export.status == IlrExport.Status.INVALID
    assert not export.file
    [problem] = export.problems
    assert problem["learner"] == bad.pk
    assert (problem["rule"], problem["field"]) == ("ULN_04", "ULN")
    assert problem["learn_ref_number"] == ilr.learn_ref_number
    page = client.get(response["Location"]).content.decode()
    assert f'href="/users/{bad.pk}/ilr/?tab=user"' in page
    assert "ULN_04" in page
    assert IlrLearner.objects.get(learner=good).last_exported_at is None
    assert client.get(_export_urls(export)[1]).status_code == 404


def test_a_schema_error_fails_the_export_with_the_message(
    as_user, ilr_manager, exported_ilr, monkeypatch
):
    monkeypatch.setattr(export_job, "schema_errors", lambda *a, **k: ["Line 9: ULN is too short"])
    client = as_user(ilr_manager)
    response = client.post(EXPORT, {"year": "2526", "include_unverified": "on"})
    export = IlrExport.objects.get()
    assert export.status == IlrExport.Status.FAILED
    assert "ULN is too short" in export.error
    assert "ULN is too short" in client.get(response["Location"]).content.decode()
    assert IlrLearner.objects.get().last_exported_at is None


def test_a_running_export_polls_and_htmx_gets_only_the_status(as_user, ilr_manager, exported_ilr):
    export = IlrExport.objects.create(
        serial_no=1,
        file_name="ILR-99999999-2526-20260101-000000-01.xml",
        created_by=ilr_manager,
        status=IlrExport.Status.RUNNING,
        total=10,
        done=4,
    )
    client = as_user(ilr_manager)
    page = client.get(_export_urls(export)[0]).content.decode()
    assert 'hx-trigger="every 1s"' in page
    partial = client.get(_export_urls(export)[0], HTTP_HX_REQUEST="true").content.decode()
    assert "4 of 10" in partial
    assert "<html" not in partial


def test_an_export_whose_worker_stopped_is_shown_as_failed_and_stops_polling(
    as_user, ilr_manager, exported_ilr, settings
):
    settings.TASKS_STALLED_AFTER = datetime.timedelta(minutes=5)
    started = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(started, tick=False):
        export = IlrExport.objects.create(
            serial_no=1,
            file_name="ILR-99999999-2526-20260302-090000-01.xml",
            created_by=ilr_manager,
            status=IlrExport.Status.RUNNING,
            heartbeat_at=started,
            attempts=settings.TASKS_MAX_ATTEMPTS,  # already started as often as allowed
        )
    client = as_user(ilr_manager)

    with time_machine.travel(started + datetime.timedelta(minutes=4), tick=False):
        assert 'hx-trigger="every 1s"' in client.get(_export_urls(export)[0]).content.decode()
    with time_machine.travel(started + datetime.timedelta(minutes=6), tick=False):
        listing = client.get("/programmes/ilrs/").content.decode()
        page = client.get(_export_urls(export)[0]).content.decode()

    export.refresh_from_db()
    assert export.status == IlrExport.Status.FAILED
    assert "The worker stopped" in page
    assert "Start the export again" in page
    assert 'hx-trigger="every 1s"' not in page
    assert "Failed" in listing


def test_the_download_is_an_attachment_and_an_access_entry(as_user, ilr_manager, exported_ilr):
    client = as_user(ilr_manager)
    client.post(EXPORT, {"year": "2526", "include_unverified": "on"})
    export = IlrExport.objects.get()
    response = client.get(_export_urls(export)[1])
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{export.file_name}"'
    assert xml_file.schema_errors(io.BytesIO(b"".join(response.streaming_content))) == []
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).get()
    assert entry.actor == ilr_manager
    assert entry.changes_dict == {"download": ["", export.file_name]}


def test_one_learners_file_downloads_named_and_valid(as_user, ilr_manager, exported_ilr, learner):
    response = as_user(ilr_manager).get(f"/users/{learner.pk}/ilr/2526/export.xml")
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="ILR-99999999-2526-')
    assert disposition.endswith('-01.xml"')
    assert xml_file.schema_errors(io.BytesIO(response.content)) == []
    assert AuditEntry.objects.filter(learner=learner, action=AuditEntry.Action.ACCESS).exists()


def test_one_learners_file_with_a_rule_error_lists_the_problems(
    as_user, ilr_manager, exported_ilr, learner
):
    exported_ilr.uln = "1000000063"
    exported_ilr.save()
    response = as_user(ilr_manager).get(f"/users/{learner.pk}/ilr/2526/export.xml")
    assert response.status_code == 422
    text = response.content.decode()
    assert "ULN_04" in text
    assert "cannot be exported yet" in text


def test_one_learner_without_an_ilr_for_the_year_is_404(as_user, ilr_manager, learner):
    assert as_user(ilr_manager).get(f"/users/{learner.pk}/ilr/2526/export.xml").status_code == 404
    assert as_user(ilr_manager).get(f"/users/{learner.pk}/ilr/1999/export.xml").status_code == 404
