"""The ILR import job (Manage ILRs, Import): the uploaded file, who started it, its progress and
one report row per learner, written in the same transaction as that learner's data so the
report always says exactly which learners were saved."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from aptem import jobs

from . import codes


class IlrImport(models.Model):
    """One ILR XML file import, run as a task learner by learner (``import_tasks``)."""

    class Status(models.TextChoices):
        QUEUED = "QUEUED", "Queued"
        RUNNING = "RUNNING", "Running"
        DONE = "DONE", "Done"
        FAILED = "FAILED", "Failed"

    file_name = models.CharField(max_length=255, help_text="As the uploader named it.")
    # Stored under a random name in the private storage, like every upload (aptem/uploads).
    file = models.FileField(upload_to="ilr-imports/", max_length=255)
    sha256 = models.CharField(max_length=64)
    collection_year = models.CharField(max_length=4, default=codes.COLLECTION_YEAR)
    group = models.ForeignKey(
        "users.Group", on_delete=models.PROTECT, related_name="+", help_text="New learners join it."
    )
    programme = models.ForeignKey(
        "programmes.Programme", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    total = models.PositiveIntegerField(default=0, help_text="Learners in the file.")
    done = models.PositiveIntegerField(default=0, help_text="Learners handled so far.")
    error = models.TextField(blank=True, help_text="Why the job stopped, for the page.")
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Times a worker started it.")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    # Touched after every learner: a RUNNING job whose heartbeat is old lost its worker. While
    # the job waits, the time it was queued again.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # The queued task's result id, so a waiting job can be told from one whose task was lost
    # (aptem.jobs); empty when the backend keeps no results (the immediate backend).
    task_result_id = models.CharField(max_length=64, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "ILR import"

    def __str__(self) -> str:
        return self.file_name

    @property
    def in_progress(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def is_stalled(self) -> bool:
        """Lost by the task queue (aptem.jobs): running without a heartbeat for too long (one
        learner takes well under a second), or waiting while its task is no longer queued."""
        if self.status == self.Status.QUEUED:
            return jobs.waiting_job_is_lost(
                self.task_result_id, self.heartbeat_at or self.created_at
            )
        beat = self.heartbeat_at or self.started_at
        return self.status == self.Status.RUNNING and jobs.heartbeat_is_old(beat)

    def stalled_reason(self) -> str:
        """Why a stalled job is given up, in words for its page."""
        if self.status == self.Status.QUEUED:
            lost = (
                "its task left the queue without starting it"
                if self.task_result_id
                else f"none started it within {jobs.stalled_minutes()} minutes"
            )
            return (
                f"No task worker started this import: {lost}. {self.done} of {self.total} "
                "learners were handled. Check that a worker is running (manage.py db_worker), "
                "then use “Run again to finish”."
            )
        return (
            f"The worker running this import stopped answering {self.attempts} times, after "
            f"{self.done} of {self.total} learners. The learners listed below were saved; "
            "use “Run again to finish” to import the rest."
        )

    def counts(self) -> dict[str, int]:
        per_outcome = self.rows.values("outcome").annotate(n=models.Count("pk"))
        found = {row["outcome"]: row["n"] for row in per_outcome.order_by()}
        return {outcome: found.get(outcome, 0) for outcome in IlrImportRow.Outcome.values}


class IlrImportRow(models.Model):
    """What the import did with one learner of the file (its position in the file is the key,
    so a re-run skips exactly the learners already handled)."""

    class Outcome(models.TextChoices):
        CREATED = "created", "Created"
        MATCHED = "matched", "Matched to an existing user"
        UPDATED = "updated", "Updated"
        REJECTED = "rejected", "Rejected"

    job = models.ForeignKey(IlrImport, on_delete=models.CASCADE, related_name="rows")
    position = models.PositiveIntegerField(help_text="1 for the file's first Learner.")
    learn_ref_number = models.CharField(max_length=12, blank=True)
    name = models.CharField(max_length=120, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    # Not "learner": the row reports on a learner, it is not a record of theirs (no audit trail).
    saved_learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    committed = models.BooleanField(help_text="The learner's data was saved.")
    errors = models.JSONField(default=list, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    # Existing users a rejected learner may duplicate: name, reference, pk (None when outside
    # the importer's groups, so not named) and why.
    duplicates = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["job", "position"]
        verbose_name = "ILR import row"
        constraints = [
            models.UniqueConstraint(fields=["job", "position"], name="ilr_import_row_once"),
        ]

    def __str__(self) -> str:
        return f"{self.learn_ref_number}: {self.outcome}"
