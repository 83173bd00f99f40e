"""The review schedule follows what it depends on: each receiver refreshes the stored next due
date (``ReviewDue``) of the enrolment concerned, inside the same transaction as the change.

Imported once from ``ReviewsConfig.ready()``; it also registers the review interval with
auditlog and adds it to the Manage Programmes form.
"""

from auditlog.registry import auditlog
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from programmes import hooks
from programmes.models import Enrolment, LearningBreak

from . import exports  # noqa: F401  (registers the export kinds a task may run)
from .due_models import ReviewSchedule
from .due_services import refresh_due
from .interval_form import REVIEW_INTERVAL
from .models import Review
from .signals import review_changed

auditlog.register(ReviewSchedule)
# programmes cannot import reviews (it sits below): the interval joins the Manage Programmes
# form through the programmes' hook, as compliance's required documents do.
hooks.add_programme_form_part(REVIEW_INTERVAL)


@receiver(review_changed, sender=Review, dispatch_uid="reviews_due_review_changed")
def review_changed_refreshes_due(sender, review: Review, **kwargs) -> None:
    # A deleted review still knows its enrolment; the enrolment itself may be gone.
    enrolment = Enrolment.objects.filter(pk=review.enrolment_id).first()
    if enrolment is not None:
        refresh_due(enrolment)


@receiver(post_save, sender=Enrolment, dispatch_uid="reviews_due_enrolment_saved")
def enrolment_saved_refreshes_due(sender, instance: Enrolment, raw: bool = False, **kwargs):
    if not raw:  # fixtures load rows as they are; refresh_review_due recomputes after
        refresh_due(instance)


@receiver(post_save, sender=LearningBreak, dispatch_uid="reviews_due_break_saved")
@receiver(post_delete, sender=LearningBreak, dispatch_uid="reviews_due_break_deleted")
def break_changed_refreshes_due(sender, instance: LearningBreak, raw: bool = False, **kwargs):
    if raw:
        return
    enrolment = Enrolment.objects.filter(pk=instance.enrolment_id).first()
    if enrolment is not None:
        refresh_due(enrolment)
