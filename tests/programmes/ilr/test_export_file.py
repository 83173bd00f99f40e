"""The ILR XML writer: header, schema order, no empty elements, file name and serial numbers."""

import datetime
import io
import json

import pytest
import time_machine
from lxml import etree

from programmes.ilr import export_job, importing, xml_file
from programmes.ilr.data import learner_values, with_ilr_children
from programmes.ilr.models import IlrExport, IlrLearner
from tests.factories import ilr_values, make_ilr

NS = {"i": "ESFA/ILR/2025-26"}


def _write(learners, serial=1):
    info = xml_file.file_info(serial=serial)
    handle = io.BytesIO()
    xml_file.write_file(handle, info, learners)
    return info, handle.getvalue()


def assert_valid(content: bytes) -> etree._ElementTree:
    assert xml_file.schema_errors(io.BytesIO(content)) == []
    return etree.parse(io.BytesIO(content), xml_file.safe_parser())


def test_a_file_has_the_header_provider_and_learners_and_validates(settings):
    settings.PROVIDER_UKPRN = "10000001"
    _, content = _write([ilr_values(), ilr_values(LearnRefNumber="APP0002")], serial=7)
    doc = assert_valid(content)
    root = doc.getroot()
    assert root.tag == "{ESFA/ILR/2025-26}Message"
    assert [etree.QName(c).localname for c in root] == [
        "Header",
        "LearningProvider",
        "Learner",
        "Learner",
    ]
    source = root.find("i:Header/i:Source", NS)
    assert [etree.QName(c).localname for c in source] == [
        "ProtectiveMarking",
        "UKPRN",
        "SoftwareSupplier",
        "SoftwarePackage",
        "Release",
        "SerialNo",
        "DateTime",
    ]
    assert source.findtext("i:ProtectiveMarking", namespaces=NS) == "OFFICIAL-SENSITIVE-Personal"
    assert source.findtext("i:UKPRN", namespaces=NS) == "10000001"
    assert source.findtext("i:SerialNo", namespaces=NS) == "07"
    assert root.findtext("i:Header/i:CollectionDetails/i:Year", namespaces=NS) == "2526"
    assert root.findtext("i:LearningProvider/i:UKPRN", namespaces=NS) == "10000001"
    for absent in ("SourceFiles", "ReferenceData", "ComponentSetVersion"):
        assert not root.findall(f".//i:{absent}", NS)


def test_no_element_is_written_empty_and_blank_values_are_left_out():
    values = ilr_values(AddLine2="", PlanLearnHours=None, TelNo="")
    _, content = _write([values])
    doc = assert_valid(content)
    assert all(len(e) or (e.text or "").strip() for e in doc.iter() if isinstance(e.tag, str))
    assert doc.find(".//i:AddLine2", NS) is None
    assert doc.find(".//i:TelNo", NS) is None


def test_a_saved_learner_is_written_in_schema_order(learner):
    make_ilr(learner)
    ilr = with_ilr_children(IlrLearner.objects.all()).get()
    _, content = _write([learner_values(ilr)])
    doc = assert_valid(content)
    node = doc.find("i:Learner", NS)
    names = [etree.QName(c).localname for c in node]
    order = [element for element, _ in IlrLearner.ILR_ELEMENTS] + [
        element for element, _, _ in IlrLearner.ILR_CHILDREN
    ]
    assert names == sorted(names, key=order.index)
    assert node.findtext("i:DateOfBirth", namespaces=NS) == "2000-05-17"


def test_primary_lldd_is_written_as_1_and_left_out_when_false(learner):
    make_ilr(
        learner,
        LLDDHealthProb=1,
        LLDDandHealthProblem=[{"LLDDCat": 4, "PrimaryLLDD": 1}, {"LLDDCat": 5}],
    )
    ilr = with_ilr_children(IlrLearner.objects.all()).get()
    _, content = _write([learner_values(ilr)])
    doc = assert_valid(content)
    problems = doc.findall(".//i:LLDDandHealthProblem", NS)
    assert [p.findtext("i:PrimaryLLDD", namespaces=NS) for p in problems] == ["1", None]


def test_a_schema_invalid_file_is_reported_with_its_line():
    _, content = _write([ilr_values(ULN="123")])
    errors = xml_file.schema_errors(io.BytesIO(content))
    assert errors
    assert all(error.startswith("Line ") for error in errors)
    assert "ULN" in errors[0]


@time_machine.travel(datetime.datetime(2026, 7, 1, 8, 5, 9, tzinfo=datetime.UTC), tick=False)
def test_the_file_name_uses_london_time_and_a_two_digit_serial(settings):
    settings.PROVIDER_UKPRN = "10000001"
    info = xml_file.file_info(serial=3)
    assert info.name == "ILR-10000001-2526-20260701-090509-03.xml"  # BST: UTC+1
    _, content = _write([ilr_values()], serial=3)
    doc = assert_valid(content)
    assert doc.findtext(".//i:DateTime", namespaces=NS) == "2026-07-01T09:05:09"
    assert doc.findtext(".//i:FilePreparationDate", namespaces=NS) == "2026-07-01"


@time_machine.travel(datetime.datetime(2026, 1, 15, 23, 30, tzinfo=datetime.UTC), tick=False)
def test_the_file_name_in_winter_is_utc(settings):
    settings.PROVIDER_UKPRN = "10000001"
    assert xml_file.file_info(serial=12).name == "ILR-10000001-2526-20260115-233000-12.xml"


def _export(serial, status, ukprn="99999999"):
    return IlrExport.objects.create(
        serial_no=serial,
        status=status,
        file_name=f"ILR-{ukprn}-2526-20260101-000000-{serial:02d}.xml",
    )


def test_serial_numbers_start_at_01_and_increase(db):
    assert export_job.next_serial() == 1
    _export(1, IlrExport.Status.READY)
    _export(2, IlrExport.Status.RUNNING)
    assert export_job.next_serial() == 3


def test_exports_without_a_file_give_their_serial_back(db):
    _export(1, IlrExport.Status.READY)
    _export(2, IlrExport.Status.INVALID)
    _export(3, IlrExport.Status.FAILED)
    assert export_job.next_serial() == 2


def test_serial_numbers_count_per_ukprn(db, settings):
    _export(5, IlrExport.Status.READY, ukprn="10000001")
    settings.PROVIDER_UKPRN = "10000002"
    assert export_job.next_serial() == 1


def test_after_99_files_no_serial_is_left(db):
    _export(99, IlrExport.Status.READY)
    with pytest.raises(export_job.SerialsExhausted, match="99"):
        export_job.next_serial()


def test_many_learner_values_gives_exactly_what_learner_values_gives(as_user, supervisor, tree):
    """The batch export reads rows, not model instances: same values, same order, for the
    19 varied learners of DfE's sample and a learner with HE and disability records."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.programmes.ilr.samples import distinct_sample

    # The sample's repeated identities made distinct, or the duplicate guard would refuse five.
    upload = SimpleUploadedFile("ILR.xml", distinct_sample())
    importing.import_file(upload=upload, group=tree["cohort"], programme=None, actor=supervisor)
    ilrs = list(with_ilr_children(IlrLearner.objects.all()))
    assert len(ilrs) == 19
    fast = export_job.many_learner_values([i.pk for i in ilrs])
    for ilr in ilrs:
        expected = learner_values(ilr)
        assert fast[ilr.pk] == expected
        # The same (schema) order at every level, not only the same contents.
        assert json.dumps(fast[ilr.pk], default=str) == json.dumps(expected, default=str)
