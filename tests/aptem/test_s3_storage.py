"""Files in an S3 bucket (README: Storing files in S3): uploads go through the storage API into
the bucket, stay private there, and come back only through the access-checking views.

Runs only against a bucket: with S3_BUCKET and the other S3_ variables set, as `.ci/run` does
against a local moto_server (tests/s3.py).
"""

import urllib.error
import urllib.request
from email.message import Message
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEntry
from documents.models import Document
from tests import s3
from tests.sample_files import pdf_bytes

pytestmark = pytest.mark.skipif(not s3.BUCKET, reason="needs S3_BUCKET (README: S3 tests)")

PDF = pdf_bytes()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _upload(client, learner) -> Document:
    response = client.post(
        f"/users/{learner.pk}/mandate/upload/",
        {"file": SimpleUploadedFile("Signed mandate.pdf", PDF)},
    )
    assert response.status_code == 302
    return Document.objects.get()


def _download_url(learner, document) -> str:
    return f"/users/{learner.pk}/documents/{document.pk}/download/"


def _get(url: str) -> tuple[int, Message, bytes]:
    """A plain HTTP GET with no AWS credentials, as a browser or a stranger would send it."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_an_upload_lands_in_the_bucket_not_under_media_root(
    as_user, tutor, learner, media, s3_prefix
):
    document = _upload(as_user(tutor), learner)
    head = s3.client().head_object(Bucket=s3.BUCKET, Key=f"{s3_prefix}/{document.file.name}")
    assert head["ContentLength"] == len(PDF)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_the_download_view_streams_the_same_bytes_back_and_logs_it(
    as_user, tutor, colleague, learner
):
    document = _upload(as_user(tutor), learner)
    response = as_user(colleague).get(_download_url(learner, document))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"] == 'attachment; filename="Signed mandate.pdf"'
    entry = AuditEntry.objects.get(action=AuditEntry.Action.ACCESS)
    assert (entry.actor, entry.object_id) == (colleague, document.pk)


def test_an_object_is_not_readable_without_a_signature(as_user, tutor, learner, s3_prefix):
    document = _upload(as_user(tutor), learner)
    status, _, body = _get(f"{s3.ENDPOINT_URL}/{s3.BUCKET}/{s3_prefix}/{document.file.name}")
    assert status == 403
    assert PDF not in body
    # The same object through a signed URL is there: the refusal is about the missing signature.
    status, _, body = _get(document.file.storage.url(document.file.name))
    assert (status, body) == (200, PDF)


def test_signed_urls_expire_within_a_minute(as_user, tutor, learner):
    document = _upload(as_user(tutor), learner)
    query = parse_qs(urlsplit(document.file.storage.url(document.file.name)).query)
    assert int(query["X-Amz-Expires"][0]) <= 60


def test_with_download_redirect_the_view_redirects_to_a_signed_url_after_the_check(
    as_user, tutor, colleague, outsider, learner, settings
):
    settings.S3_DOWNLOAD_REDIRECT = True
    document = _upload(as_user(tutor), learner)
    assert as_user(outsider).get(_download_url(learner, document)).status_code == 404
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).exists()

    response = as_user(colleague).get(_download_url(learner, document))
    assert response.status_code == 302
    assert "X-Amz-Signature=" in response["Location"]
    status, headers, body = _get(response["Location"])
    assert (status, body) == (200, PDF)
    assert headers["Content-Disposition"] == 'attachment; filename="Signed mandate.pdf"'
    assert headers["Content-Type"] == "application/pdf"
    entry = AuditEntry.objects.get(action=AuditEntry.Action.ACCESS)
    assert (entry.actor, entry.object_id) == (colleague, document.pk)


def test_with_download_redirect_a_missing_object_is_a_404_and_not_logged(
    as_user, tutor, learner, settings
):
    settings.S3_DOWNLOAD_REDIRECT = True
    document = _upload(as_user(tutor), learner)
    document.file.storage.delete(document.file.name)
    assert as_user(tutor).get(_download_url(learner, document)).status_code == 404
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).exists()
