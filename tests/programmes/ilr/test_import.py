"""Import an ILR file (Manage ILRs): create or update learners, report each one, round trip."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from lxml import etree

from audit.models import AuditEntry
from programmes.ilr import importing, xml_file
from programmes.ilr.data import learner_values, with_ilr_children
from programmes.ilr.import_models import IlrImport
from programmes.ilr.models import IlrExport, IlrLearner, LearningDelivery
from tests.factories import ProgrammeFactory, UserFactory, make_ilr
from tests.programmes.ilr.samples import SAMPLE_REPEATS
from tests.programmes.ilr.samples import distinct_sample as _distinct_sample
from users.models import User

FIXTURES = Path(__file__).parent / "fixtures"
SAMPLE = FIXTURES / "sample-2526-esfa-date-fixed.xml"
URL = "/programmes/ilrs/import/"
NS = "ESFA/ILR/2025-26"


def _upload(content: bytes | None = None, name="ILR.xml"):
    return SimpleUploadedFile(name, SAMPLE.read_bytes() if content is None else content)


@pytest.fixture
def programme(db):
    return ProgrammeFactory(ilr_enabled=True, name="Imported ILRs")


def _post(client, tree, programme=None, **kwargs):
    data = {"file": kwargs.pop("file", None) or _upload(), "group": tree["cohort"].pk}
    if programme is not None:
        data["programme"] = programme.pk
    return client.post(URL, data, **kwargs)


def _report(client, response):
    """The import job's page (the upload redirects to it; the immediate backend has run the
    task by then) read back as {LearnRefNumber: row}."""
    assert response.status_code == 302, getattr(response, "context", {}) and response.context
    report = client.get(response["Location"])
    assert report.status_code == 200
    assert report.context["job"].status == IlrImport.Status.DONE, report.context["job"].error
    return {
        row.learn_ref_number: {
            "outcome": row.outcome,
            "learner_pk": row.saved_learner_id,
            "errors": row.errors,
            "warnings": row.warnings,
            "duplicates": row.duplicates,
        }
        for row in report.context["rows"]
    }


def _sample_learners(content: bytes) -> dict[str, dict]:
    root = etree.parse(io.BytesIO(content), xml_file.safe_parser()).getroot()
    return {
        node.findtext(f"{{{NS}}}LearnRefNumber"): importing.element_values(node)
        for node in root.iterfind(f"{{{NS}}}Learner")
    }


# --- Access ------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_login(client):
    assert client.get(URL).status_code == 302
    assert "/login" in client.get(URL)["Location"]


def test_without_manage_ilrs_it_is_refused(as_user, tutor, tree):
    assert as_user(tutor).get(URL).status_code == 403
    assert _post(as_user(tutor), tree).status_code == 403
    assert not IlrLearner.objects.exists()


def test_manage_ilrs_role_opens_the_form_with_the_viewers_groups_only(as_user, tutor, tree):
    tutor.roles.add(*_role("Manage ILRs"))
    response = as_user(tutor).get(URL)
    assert response.status_code == 200
    groups = set(response.context["form"].fields["group"].queryset)
    assert tree["cohort"] in groups
    assert tree["south"] not in groups


def _role(name):
    from django.contrib.auth.models import Group as Role

    return [Role.objects.get(name=name)]


def test_a_group_outside_the_viewers_scope_is_refused(as_user, tutor, tree):
    tutor.roles.add(*_role("Manage ILRs"))
    response = as_user(tutor).post(URL, {"file": _upload(), "group": tree["south"].pk})
    assert response.status_code == 200
    assert "group" in response.context["form"].errors
    assert not IlrLearner.objects.exists()


# --- The DfE sample ----------------------------------------------------------------------------


def test_nineteen_different_people_are_all_created_in_the_chosen_group(
    as_user, supervisor, tree, programme
):
    client = as_user(supervisor)
    rows = _report(client, _post(client, tree, programme, file=_upload(_distinct_sample())))
    assert len(rows) == 19
    assert {row["outcome"] for row in rows.values()} == {"created"}
    assert IlrLearner.objects.count() == 19
    learners = User.objects.filter(ilrs__isnull=False)
    assert all(u.user_type == User.Type.LEARNER for u in learners)
    assert all(list(u.groups.all()) == [tree["cohort"]] for u in learners)
    assert all(u.enrolments.get().programme == programme for u in learners)
    levy = User.objects.get(reference_number="Levy")
    assert (levy.first_name, levy.last_name) == ("Smith", "John")
    assert AuditEntry.objects.filter(learner=levy, actor=supervisor).exists()


def test_the_uln_04_finding_is_shown_as_a_warning_and_the_learner_still_imported(
    as_user, supervisor, tree
):
    client = as_user(supervisor)
    rows = _report(client, _post(client, tree))
    row = rows["ASFLearner"]
    assert row["outcome"] == "created"
    assert any(w.startswith("ULN_04 (ULN)") for w in row["warnings"])
    assert IlrLearner.objects.get(learn_ref_number="ASFLearner").uln == "1061484935"


def test_a_repeated_aim_sequence_number_is_renumbered_with_a_warning(as_user, supervisor, tree):
    client = as_user(supervisor)
    rows = _report(client, _post(client, tree))
    assert any("AimSeqNumber: 1 was already used" in w for w in rows["ASLearner"]["warnings"])
    aims = LearningDelivery.objects.filter(ilr__learn_ref_number="ASLearner")
    assert sorted(aims.values_list("aim_seq_number", flat=True)) == [1, 2]


def test_the_samples_repeated_people_are_reported_as_possible_duplicates_not_created(
    as_user, supervisor, tree
):
    client = as_user(supervisor)
    rows = _report(client, _post(client, tree))
    rejected = {ref for ref, row in rows.items() if row["outcome"] == "rejected"}
    assert rejected == SAMPLE_REPEATS
    assert {rows[ref]["outcome"] for ref in rows.keys() - SAMPLE_REPEATS} == {"created"}
    assert User.objects.filter(user_type=User.Type.LEARNER).count() == 14
    aslearner = User.objects.get(reference_number="ASLearner")
    [duplicate] = rows["MCALearner"]["duplicates"]
    assert duplicate == {
        "pk": aslearner.pk,
        "name": "Mark Jones",
        "reference": "ASLearner",
        "why": "the same NI number and the same ULN",
    }
    page = client.get(_last_report_url()).content.decode()
    assert f'Possible duplicate of <a href="/users/{aslearner.pk}/">Mark Jones</a>' in page


def _last_report_url() -> str:
    return f"/programmes/ilrs/imports/{IlrImport.objects.latest('pk').pk}/"


def test_importing_the_sample_again_updates_every_learner(as_user, supervisor, tree):
    client = as_user(supervisor)
    _report(client, _post(client, tree))
    aims_before = LearningDelivery.objects.count()
    rows = _report(client, _post(client, tree))
    assert {rows[ref]["outcome"] for ref in rows.keys() - SAMPLE_REPEATS} == {"updated"}
    assert {rows[ref]["outcome"] for ref in SAMPLE_REPEATS} == {"rejected"}
    assert IlrLearner.objects.count() == 14
    assert User.objects.filter(user_type=User.Type.LEARNER).count() == 14
    assert LearningDelivery.objects.count() == aims_before


def test_every_code_in_the_sample_is_accepted(as_user, supervisor, tree):
    client = as_user(supervisor)
    rows = _report(client, _post(client, tree, file=_upload(_distinct_sample())))
    assert [row["errors"] for row in rows.values() if row["errors"]] == []


def test_the_sample_round_trips_element_by_element(as_user, supervisor, tree):
    """Import, then write every imported ILR: the file validates and holds the sample's data."""
    client = as_user(supervisor)
    distinct = _distinct_sample()
    _report(client, _post(client, tree, file=_upload(distinct)))
    ilrs = with_ilr_children(IlrLearner.objects.order_by("pk"))
    handle = io.BytesIO()
    xml_file.write_file(handle, xml_file.file_info(serial=1), [learner_values(i) for i in ilrs])
    assert xml_file.schema_errors(io.BytesIO(handle.getvalue())) == []
    sample = _sample_learners(distinct)
    exported = _sample_learners(handle.getvalue())
    assert exported.keys() == sample.keys()
    # The one change import makes on purpose: ASLearner's repeated AimSeqNumber 1.
    sample["ASLearner"]["LearningDelivery"][1]["AimSeqNumber"] = "2"
    for ref, values in sample.items():
        assert exported[ref] == values, ref


def test_exporting_the_imported_learners_as_a_batch_gives_a_valid_file(
    as_user, supervisor, tree, programme, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = as_user(supervisor)
    distinct = _distinct_sample()
    _report(client, _post(client, tree, programme, file=_upload(distinct)))
    client.post("/programmes/ilrs/export/", {"year": "2526", "include_unverified": "on"})
    invalid = IlrExport.objects.get()
    assert invalid.status == IlrExport.Status.INVALID
    assert {(p["learn_ref_number"], p["rule"]) for p in invalid.problems} >= {
        ("ASFLearner", "ULN_04")
    }
    failing = {p["learn_ref_number"] for p in invalid.problems}
    # Leave the failing learners out of the next file.
    for ilr in IlrLearner.objects.filter(learn_ref_number__in=failing):
        ilr.episode_status = IlrLearner.EpisodeStatus.EXCLUDED
        ilr.save()
    client.post("/programmes/ilrs/export/", {"year": "2526", "include_unverified": "on"})
    ready = IlrExport.objects.exclude(pk=invalid.pk).get()
    assert ready.status == IlrExport.Status.READY, (ready.error, ready.problems)
    with ready.file.open("rb") as handle:
        content = handle.read()
    assert xml_file.schema_errors(io.BytesIO(content)) == []
    exported = _sample_learners(content)
    assert len(exported) == 19 - len(failing)
    sample = _sample_learners(distinct)
    for ref, values in exported.items():
        if ref != "ASLearner":
            assert values == sample[ref], ref


# --- Refusals and bad input ----------------------------------------------------------------------


def test_a_file_that_is_not_xml_is_refused_and_nothing_imported(as_user, supervisor, tree):
    response = _post(as_user(supervisor), tree, file=_upload(b"%PDF-1.4 not xml"))
    assert response.status_code == 400
    assert "not a readable XML file" in response.content.decode()
    assert not IlrLearner.objects.exists()


def test_a_file_without_the_xml_extension_is_refused(as_user, supervisor, tree):
    response = _post(as_user(supervisor), tree, file=_upload(name="ilr.csv"))
    assert "file" in response.context["form"].errors


def test_a_file_with_another_years_namespace_is_refused(as_user, supervisor, tree):
    content = SAMPLE.read_bytes().replace(b"ESFA/ILR/2025-26", b"ESFA/ILR/2024-25")
    response = _post(as_user(supervisor), tree, file=_upload(content))
    assert "its namespace is ESFA/ILR/2024-25" in response.content.decode()
    assert not IlrLearner.objects.exists()


def test_a_schema_invalid_file_lists_the_schema_errors_and_imports_nothing(
    as_user, supervisor, tree
):
    content = SAMPLE.read_bytes().replace(b"<ULN>1061484935</ULN>", b"<ULN>123</ULN>")
    response = _post(as_user(supervisor), tree, file=_upload(content))
    text = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was imported" in text
    assert "ULN" in text
    assert not IlrImport.objects.exists()  # refused at upload: no job, no learner touched
    assert not IlrLearner.objects.exists()
    assert not User.objects.filter(user_type=User.Type.LEARNER).exists()


def test_entities_are_not_expanded(as_user, supervisor, tree):
    content = (
        SAMPLE.read_bytes()
        .replace(
            b"<Message ",
            b'<!DOCTYPE Message [<!ENTITY x SYSTEM "file:///etc/passwd">]><Message ',
            1,
        )
        .replace(b"<FamilyName>John</FamilyName>", b"<FamilyName>&x;</FamilyName>", 1)
    )
    response = _post(as_user(supervisor), tree, file=_upload(content))
    assert "root:" not in response.content.decode()
    assert not User.objects.filter(last_name__contains="root").exists()


def _learner_node(root, ref):
    return next(
        n for n in root.iterfind(f"{{{NS}}}Learner") if n.findtext(f"{{{NS}}}LearnRefNumber") == ref
    )


def test_learners_with_bad_values_are_rejected_with_the_reason_and_nothing_saved(
    as_user, supervisor, tree
):
    # Schema-valid values the portal does not hold: Ethnicity 12, AFinCode 0.
    root = etree.fromstring(_distinct_sample(), xml_file.safe_parser())
    _learner_node(root, "Other1619").find(f"{{{NS}}}Ethnicity").text = "12"
    fin_code = f"{{{NS}}}LearningDelivery/{{{NS}}}AppFinRecord/{{{NS}}}AFinCode"
    _learner_node(root, "Levy").find(fin_code).text = "0"
    client = as_user(supervisor)
    rows = _report(client, _post(client, tree, file=_upload(etree.tostring(root))))
    assert rows["Other1619"]["outcome"] == "rejected"
    assert rows["Other1619"]["errors"] == ["Ethnicity: Value 12 is not a valid choice."]
    assert rows["Levy"]["outcome"] == "rejected"
    [error] = rows["Levy"]["errors"]
    assert error.startswith("LearningDelivery[2]/AppFinRecord[1]/AFinCode: ")
    for ref in ("Levy", "Other1619"):
        assert not IlrLearner.objects.filter(learn_ref_number=ref).exists()
        assert not User.objects.filter(reference_number=ref).exists()
    assert sum(r["outcome"] == "created" for r in rows.values()) == 17


def test_an_update_with_a_bad_value_leaves_the_existing_ilr_as_it_was(as_user, supervisor, tree):
    learner = UserFactory(groups=[tree["cohort"]])
    make_ilr(learner, LearnRefNumber="Levy")
    before = learner_values(with_ilr_children(IlrLearner.objects.all()).get())
    root = etree.parse(str(SAMPLE), xml_file.safe_parser()).getroot()
    fin_code = f"{{{NS}}}LearningDelivery/{{{NS}}}AppFinRecord/{{{NS}}}AFinCode"
    _learner_node(root, "Levy").find(fin_code).text = "0"
    client = as_user(supervisor)
    rows = _report(client, _post(client, tree, file=_upload(etree.tostring(root))))
    assert rows["Levy"]["outcome"] == "rejected"
    after = with_ilr_children(IlrLearner.objects.filter(learner=learner)).get()
    assert learner_values(after) == before


def test_an_ilr_outside_the_viewers_groups_is_not_updated(as_user, outsider, tree):
    outsider.roles.add(*_role("Manage ILRs"))
    learner = UserFactory(groups=[tree["cohort"]])
    make_ilr(learner, LearnRefNumber="Levy")
    client = as_user(outsider)
    response = client.post(URL, {"file": _upload(), "group": tree["south"].pk})
    rows = _report(client, response)
    assert rows["Levy"]["outcome"] == "rejected"
    assert "outside your groups" in rows["Levy"]["errors"][0]
    assert IlrLearner.objects.get(learn_ref_number="Levy").learner == learner
    assert IlrLearner.objects.get(learn_ref_number="Levy").family_name == "Example"


def test_a_qa_verified_ilr_is_replaced_only_by_ilr_qa(as_user, tutor, supervisor, tree):
    tutor.roles.add(*_role("Manage ILRs"))
    learner = UserFactory(groups=[tree["cohort"]])
    ilr = make_ilr(learner, LearnRefNumber="Levy")
    ilr.episode_status = IlrLearner.EpisodeStatus.QA_VERIFIED
    ilr.save()
    client = as_user(tutor)
    rows = _report(client, _post(client, tree))
    assert rows["Levy"]["outcome"] == "rejected"
    assert "QA verified" in rows["Levy"]["errors"][0]
    client = as_user(supervisor)
    rows = _report(client, _post(client, tree))
    assert rows["Levy"]["outcome"] == "updated"
    assert IlrLearner.objects.get(learn_ref_number="Levy").family_name == "John"


def test_an_update_keeps_the_link_from_aims_to_the_enrolment(as_user, supervisor, tree):
    from tests.factories import EnrolmentFactory

    learner = UserFactory(groups=[tree["cohort"]])
    enrolment = EnrolmentFactory(learner=learner)
    ilr = make_ilr(learner, LearnRefNumber="Levy")
    aim = ilr.deliveries.get(aim_seq_number=1)
    aim.enrolment = enrolment
    aim.save()
    client = as_user(supervisor)
    _report(client, _post(client, tree))
    assert ilr.deliveries.get(aim_seq_number=1).enrolment == enrolment


# --- The duplicate guard: a new LearnRefNumber for someone already in the portal -----------------


def _levy_only() -> bytes:
    """The sample with one learner: Levy (Smith John, born 01/01/1997, ULN 1004014316,
    NI number AA123456A)."""
    root = etree.parse(str(SAMPLE), xml_file.safe_parser()).getroot()
    for node in list(root.iterfind(f"{{{NS}}}Learner")):
        if node.findtext(f"{{{NS}}}LearnRefNumber") != "Levy":
            root.remove(node)
    for node in list(root.iterfind(f"{{{NS}}}LearnerDestinationandProgression")):
        root.remove(node)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def _import_levy(client, tree):
    rows = _report(client, _post(client, tree, file=_upload(_levy_only())))
    return rows["Levy"]


def test_an_existing_ni_number_is_reported_as_a_possible_duplicate_and_no_user_created(
    as_user, supervisor, tree
):
    existing = UserFactory(
        groups=[tree["cohort"]], ni_number="AA123456A", reference_number="R-17", uln=""
    )
    users_before = User.objects.count()
    row = _import_levy(as_user(supervisor), tree)
    assert row["outcome"] == "rejected"
    assert "Possible duplicate" in row["errors"][0]
    assert row["duplicates"] == [
        {
            "pk": existing.pk,
            "name": existing.full_name,
            "reference": "R-17",
            "why": "the same NI number",
        }
    ]
    assert User.objects.count() == users_before
    assert not IlrLearner.objects.exists()


def test_an_existing_uln_is_reported_as_a_possible_duplicate_and_no_user_created(
    as_user, supervisor, tree
):
    existing = UserFactory(groups=[tree["cohort"]], uln="1004014316", ni_number="")
    users_before = User.objects.count()
    row = _import_levy(as_user(supervisor), tree)
    assert row["outcome"] == "rejected"
    assert [d["pk"] for d in row["duplicates"]] == [existing.pk]
    assert row["duplicates"][0]["why"] == "the same ULN"
    assert User.objects.count() == users_before
    assert not IlrLearner.objects.exists()


def test_a_duplicate_outside_the_importers_groups_is_not_named(as_user, tutor, tree):
    tutor.roles.add(*_role("Manage ILRs"))
    UserFactory(groups=[tree["south"]], first_name="Hidden", ni_number="AA123456A", uln="")
    client = as_user(tutor)
    row = _import_levy(client, tree)
    assert row["outcome"] == "rejected"
    assert row["duplicates"] == [
        {"pk": None, "name": "", "reference": "", "why": "the same NI number"}
    ]
    page = client.get(_last_report_url()).content.decode()
    assert "Possible duplicate of a user outside your groups" in page
    assert "Hidden" not in page


def test_the_same_uln_name_and_birth_date_is_matched_to_the_existing_learner(
    as_user, supervisor, tree, programme
):
    existing = UserFactory(
        groups=[tree["cohort"]],
        first_name="Smith",
        last_name="John",
        date_of_birth=datetime.date(1997, 1, 1),
        uln="1004014316",
        ni_number="",
        email="smith.john@example.org",
    )
    users_before = User.objects.count()
    client = as_user(supervisor)
    rows = _report(client, _post(client, tree, programme, file=_upload(_levy_only())))
    assert rows["Levy"]["outcome"] == "matched"
    assert rows["Levy"]["learner_pk"] == existing.pk
    assert User.objects.count() == users_before
    ilr = IlrLearner.objects.get(learn_ref_number="Levy")
    assert ilr.learner == existing
    existing.refresh_from_db()
    assert existing.email == "smith.john@example.org"  # the portal's own details stay
    assert existing.enrolments.get().programme == programme
    # The next import of the same file finds the ILR by its LearnRefNumber and updates it.
    again = _report(client, _post(client, tree, file=_upload(_levy_only())))
    assert again["Levy"]["outcome"] == "updated"
    assert User.objects.count() == users_before


def test_a_match_whose_learner_already_has_an_ilr_under_another_reference_is_rejected(
    as_user, supervisor, tree
):
    existing = UserFactory(
        groups=[tree["cohort"]],
        first_name="Smith",
        last_name="John",
        date_of_birth=datetime.date(1997, 1, 1),
        uln="1004014316",
        ni_number="",
    )
    make_ilr(existing, LearnRefNumber="OLDREF")
    row = _import_levy(as_user(supervisor), tree)
    assert row["outcome"] == "rejected"
    assert "already has a 2025-26 ILR with LearnRefNumber OLDREF" in row["errors"][0]
    assert not IlrLearner.objects.filter(learn_ref_number="Levy").exists()
