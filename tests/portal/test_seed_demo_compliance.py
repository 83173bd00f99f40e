"""The demo data includes a Commitment Statement waiting for signatures for the demo learner."""

import io

from django.core.management import call_command

from compliance.models import ComplianceDocument


def test_seed_demo_makes_a_compliance_document_waiting(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", learners=20, seed=3, stdout=io.StringIO())
    doc = ComplianceDocument.objects.get()
    assert doc.learner.email == "learner@example.org"
    assert doc.status == "CREATED"
    assert doc.envelope.signers.count() >= 2
