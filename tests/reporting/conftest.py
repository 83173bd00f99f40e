import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from reporting.models import FileExport


@pytest.fixture(autouse=True)
def _private_storage(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def ready_export(tutor):
    """A finished Users export of the tutor's, with its file in storage."""
    job = FileExport.objects.create(
        kind="users",
        label="Users: default search",
        parameters={"query": ""},
        created_by=tutor,
        status=FileExport.Status.READY,
        row_count=1,
        file_name="users-20261201-1003-1-row.csv",
        size=30,
        expires_at=timezone.now() + timezone.timedelta(days=7),
    )
    job.file.save(job.file_name, ContentFile(b"ID,First name\r\n1,John\r\n# 1 row\r\n"))
    return job
