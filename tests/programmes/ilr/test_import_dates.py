"""Import an ILR file whose dates the schema accepts but no rule or export could process."""

from lxml import etree

from programmes.ilr import xml_file
from programmes.ilr.models import IlrLearner
from users.models import User

from .samples import distinct_sample
from .test_import import NS, _learner_node, _post, _report, _upload


def test_out_of_range_dates_reject_that_learner_with_the_reason_and_the_rest_import(
    as_user, supervisor, tree
):
    # The sample with its repeated people made distinct, so only the bad dates reject anyone.
    root = etree.fromstring(distinct_sample(), xml_file.safe_parser())
    start = f"{{{NS}}}LearningDelivery/{{{NS}}}LearnStartDate"
    _learner_node(root, "Levy").find(start).text = "9999-12-31"
    _learner_node(root, "Other1619").find(f"{{{NS}}}DateOfBirth").text = "0001-01-01"
    client = as_user(supervisor)

    rows = _report(client, _post(client, tree, file=_upload(etree.tostring(root))))

    assert rows["Levy"]["outcome"] == "rejected"
    assert rows["Levy"]["errors"] == [
        "LearningDelivery[1]/LearnStartDate: Enter a date on or before 31/12/2100."
    ]
    assert rows["Other1619"]["outcome"] == "rejected"
    assert (
        "DateOfBirth: Enter a date of birth on or after 01/01/1900." in rows["Other1619"]["errors"]
    )
    for ref in ("Levy", "Other1619"):
        assert not IlrLearner.objects.filter(learn_ref_number=ref).exists()
        assert not User.objects.filter(reference_number=ref).exists()
    assert sum(r["outcome"] == "created" for r in rows.values()) == 17
