from django.conf import settings
from django.db import models


class Programme(models.Model):
    class Kind(models.TextChoices):
        ONBOARDING = "ONBOARDING", "Onboarding"
        DELIVERY = "DELIVERY", "Delivery"

    name = models.CharField(max_length=200)
    code = models.CharField(max_length=30, unique=True)
    kind = models.CharField("type", max_length=10, choices=Kind.choices, default=Kind.DELIVERY)
    is_apprenticeship = models.BooleanField("apprenticeship", default=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        permissions = [
            ("manage_programmes", "Can create and edit programmes"),
            ("edit_programme_details", "Can enrol learners and stop programmes"),
            ("qa_verify_ilr", "Can QA-verify ILRs and edit verified ones"),
            ("manage_ilrs", "Can edit ILRs and export ILR files"),
        ]

    def __str__(self) -> str:
        return self.name


class Enrolment(models.Model):
    class Status(models.TextChoices):
        ONBOARDING = "ONBOARDING", "Onboarding"
        READY_TO_ENROL = "READY_TO_ENROL", "Ready to Enrol"
        ACTIVE = "ACTIVE", "Active"
        ON_A_BREAK = "ON_A_BREAK", "On a Break"
        ENTERED_EPA = "ENTERED_EPA", "Entered EPA"
        PENDING_CHANGE = "PENDING_CHANGE", "Pending Change of Programme"
        COMPLETE = "COMPLETE", "Complete"
        STOPPED = "STOPPED", "Stopped"
        WITHDRAWN = "WITHDRAWN", "Withdrawn"

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="enrolments")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ONBOARDING)
    is_current = models.BooleanField(
        default=True, help_text="The learner's current programme; earlier ones are history."
    )
    start_date = models.DateField(null=True, blank=True)
    planned_end_date = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-is_current", "-start_date", "-pk"]
        indexes = [
            models.Index(fields=["programme", "status", "learner"], name="enrolment_prog_status"),
            models.Index(fields=["learner", "is_current"], name="enrolment_learner_current"),
        ]

    def __str__(self) -> str:
        return f"{self.programme} ({self.get_status_display()})"

    @property
    def audit_learner_id(self) -> int:
        return self.learner_id
