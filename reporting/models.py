"""A CSV export written to a file by a background task (a job row with progress, then the file).

An export too large to stream inside a request (settings.EXPORT_INLINE_MAX_ROWS) becomes one of
these: the task writes every row to a file in private storage, and its creator downloads it
from the job's page. The row count is in the file's name and on its last line, so a file cut
short can never pass for a complete one.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class FileExport(models.Model):
    class Status(models.TextChoices):
        WAITING = "WAITING", "Waiting"
        RUNNING = "RUNNING", "Running"
        READY = "READY", "Ready"
        FAILED = "FAILED", "Failed"
        EXPIRED = "EXPIRED", "Expired"

    kind = models.CharField(max_length=40, help_text="The export kind (reporting.exports).")
    label = models.CharField(max_length=300, help_text="What the export holds, in words.")
    # What the producer needs to make the rows again (the page's query string, a learner's pk),
    # so the job can run in any worker, and be started again, without the request.
    parameters = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    rows_done = models.PositiveIntegerField(default=0)
    rows_total = models.PositiveIntegerField(null=True, blank=True)
    row_count = models.PositiveIntegerField(null=True, blank=True)
    file = models.FileField(upload_to="exports/", max_length=255, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True, help_text="Why the export failed, in plain English.")
    # A worker's last sign of life (written with the progress) and how many times a worker has
    # taken the job: each run writes only while its attempt is the latest.
    attempts = models.PositiveSmallIntegerField(default=0)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    task_result_id = models.CharField(max_length=64, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "file export"
        indexes = [
            models.Index(fields=["created_by", "-created_at"], name="fileexport_owner_idx"),
            models.Index(fields=["status", "heartbeat_at"], name="fileexport_status_idx"),
        ]

    def __str__(self) -> str:
        return self.file_name or self.label

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.WAITING, self.Status.RUNNING)

    @property
    def expired(self) -> bool:
        """Expired, or past its expiry and waiting for delete_expired to remove the file."""
        if self.status == self.Status.EXPIRED:
            return True
        return (
            self.status == self.Status.READY
            and self.expires_at is not None
            and self.expires_at <= timezone.now()
        )

    @property
    def downloadable(self) -> bool:
        return self.status == self.Status.READY and not self.expired

    @property
    def percent(self) -> int | None:
        if not self.rows_total:
            return None
        return min(100, self.rows_done * 100 // self.rows_total)


class ApiToken(models.Model):
    """An administrator's personal token for the OData reporting feed (reporting.odata).

    The token itself is shown once, when it is made; only its SHA-256 is stored, beside a short
    public ``key`` that finds the row, so a token is checked with one indexed read and a
    constant-time comparison. A token reads the feed as its owner, with the owner's current
    roles and groups, and only while the owner is active and still an administrator.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="What the token is for, in your words.")
    key = models.CharField(max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    expires_on = models.DateField(help_text="The last day the token works.")
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "API token"
        indexes = [models.Index(fields=["owner", "-created_at"], name="apitoken_owner_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.key})"

    @property
    def expired(self) -> bool:
        return self.expires_on < timezone.localdate()

    @property
    def usable(self) -> bool:
        return self.revoked_at is None and not self.expired


class ApiTokenUse(models.Model):
    """One request of the feed made with a token: what was read, how many rows, from where."""

    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="uses")
    used_at = models.DateTimeField(default=timezone.now)
    entity_set = models.CharField(max_length=60)
    row_count = models.PositiveIntegerField(default=0)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-used_at", "-pk"]
        verbose_name = "API token use"
        indexes = [models.Index(fields=["token", "-used_at"], name="apitokenuse_token_idx")]

    def __str__(self) -> str:
        return f"{self.token_id} {self.entity_set} {self.used_at:%Y-%m-%d %H:%M}"
