"""The ILR models keep the element names and schema limits, and read back as rule values."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from audit.models import AuditEntry
from programmes.ilr import rules
from programmes.ilr.data import learner_values, save_tree, with_ilr_children
from programmes.ilr.models import IlrLearner
from tests.factories import UserFactory, ilr_values, make_ilr

pytestmark = pytest.mark.django_db


def test_a_saved_ilr_reads_back_as_the_values_it_was_made_from():
    learner = UserFactory()
    ilr = make_ilr(learner)

    values = learner_values(with_ilr_children(IlrLearner.objects.filter(pk=ilr.pk)).get())

    expected = ilr_values(LearnRefNumber=f"L{learner.pk}")
    assert values == expected


def test_the_example_ilr_passes_every_rule():
    ilr = make_ilr(UserFactory())

    findings = rules.check_learner(learner_values(ilr), file_date=rules.TEACHING_YEAR_END)

    assert [f for f in findings if f.is_error] == []


def test_reading_many_learners_costs_a_fixed_number_of_queries(django_assert_num_queries):
    for _ in range(3):
        make_ilr(UserFactory())

    with django_assert_num_queries(12):
        values = [learner_values(ilr) for ilr in with_ilr_children(IlrLearner.objects.all())]

    assert len(values) == 3


def test_a_bad_value_anywhere_saves_nothing_and_names_the_element():
    learner = UserFactory()
    values = ilr_values()
    values["LearningDelivery"][0]["AppFinRecord"][0]["AFinAmount"] = "1000000"

    with pytest.raises(ValidationError) as raised, transaction.atomic():
        save_tree(IlrLearner, values, learner=learner)

    assert "LearningDelivery[1]/AppFinRecord[1]/AFinAmount" in raised.value.message_dict
    assert not IlrLearner.objects.exists()


def test_strings_as_read_from_xml_are_converted():
    learner = UserFactory()
    values = ilr_values(Ethnicity="31", LLDDHealthProb="2", DateOfBirth="2000-05-17")
    values["LearningDelivery"][0]["AimSeqNumber"] = "1"

    with transaction.atomic():
        ilr = save_tree(IlrLearner, values, learner=learner)

    ilr.refresh_from_db()
    assert ilr.ethnicity == 31
    assert ilr.date_of_birth.isoformat() == "2000-05-17"


def test_every_ilr_record_is_on_the_learners_audit_trail():
    learner = UserFactory()
    make_ilr(learner)

    entries = AuditEntry.objects.filter(learner=learner)

    models = {entry.content_type.model for entry in entries}
    assert {
        "ilrlearner",
        "learningdelivery",
        "appfinrecord",
        "employmentstatusmonitoring",
    } <= models
