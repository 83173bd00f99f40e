import pytest

from tests.factories import UserFactory

from .factories import current_enrolment, review_template


@pytest.fixture(scope="session")
def seal_dir(tmp_path_factory):
    # One development certificate for the whole run: making an RSA key takes a moment.
    return tmp_path_factory.mktemp("reviews-signing-cert")


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
def enrolment(learner, employer):
    learner.manager = employer
    learner.save()
    return current_enrolment(learner)


@pytest.fixture
def template(enrolment):
    return review_template(enrolment.programme)
