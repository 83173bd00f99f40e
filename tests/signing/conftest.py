import pytest

from signing import services
from signing.models import Signer
from signing.services import SignerSpec
from tests.factories import UserFactory

DOCUMENT_TEXT = "Commitment statement: the training plan agreed by all three parties."


@pytest.fixture(scope="session")
def source_pdf() -> bytes:
    """A one-page PDF with text (made once: WeasyPrint takes a moment)."""
    from weasyprint import HTML

    return HTML(string=f"<h1>Plan</h1><p>{DOCUMENT_TEXT}</p>").write_pdf()


@pytest.fixture(scope="session")
def seal_dir(tmp_path_factory):
    # One development certificate for the whole run: making an RSA key takes a moment.
    return tmp_path_factory.mktemp("signing-cert")


@pytest.fixture(autouse=True)
def signing_settings(settings, tmp_path, seal_dir):
    settings.SIGNING_DEV_CERT_DIR = seal_dir
    settings.SIGNING_CERT_FILE = ""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.SITE_URL = "https://portal.example.org"
    return settings


@pytest.fixture
def employer(db):
    return UserFactory(
        first_name="Erin", last_name="Boss", email="erin@acme.example", user_type="EMPLOYER"
    )


@pytest.fixture
def envelope(learner, tutor, employer, source_pdf):
    """A document for the learner, the employer and the tutor (who signs in the portal)."""
    return services.envelope_create(
        learner=learner,
        title="Commitment statement",
        pdf=source_pdf,
        signers=[
            SignerSpec(Signer.Role.LEARNER, learner.full_name, learner.email, learner),
            SignerSpec(Signer.Role.EMPLOYER, employer.full_name, employer.email, employer),
            SignerSpec(Signer.Role.PROVIDER, tutor.full_name, tutor.email, tutor),
        ],
        actor=tutor,
    )


def signer_of(envelope, role) -> Signer:
    return envelope.signers.get(role=role)


def sign(signer: Signer, *, actor=None, ip="203.0.113.5") -> Signer:
    return services.signer_sign(
        signer=signer,
        typed_name=signer.name,
        consent=True,
        ip=ip,
        user_agent="Test browser",
        actor=actor,
    )


def sign_all(envelope, tutor):
    sign(signer_of(envelope, Signer.Role.LEARNER), ip="203.0.113.5")
    sign(signer_of(envelope, Signer.Role.EMPLOYER), ip="198.51.100.7")
    sign(signer_of(envelope, Signer.Role.PROVIDER), actor=tutor, ip="192.0.2.9")
    envelope.refresh_from_db()
    return envelope
