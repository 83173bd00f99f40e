"""Keeps each learner's current programme columns right (programmes/current.py) on every save
and delete of an enrolment or a programme: the services, the wizard, the ILR import and the
Django admin all save through the model, so one place catches them all."""

from django.db.models.signals import post_delete, post_init, post_save
from django.dispatch import receiver

from .current import current_programmes_refresh, programme_renamed
from .lists import PROGRAMME_CHOICES
from .models import Enrolment, Programme


@receiver(post_init, sender=Enrolment)
def remember_learner(sender, instance: Enrolment, **kwargs) -> None:
    # An enrolment moved to another learner (the Django admin can) changes both learners.
    instance._loaded_learner_id = instance.__dict__.get("learner_id")


@receiver(post_save, sender=Enrolment)
@receiver(post_delete, sender=Enrolment)
def enrolment_changed(sender, instance: Enrolment, **kwargs) -> None:
    learners = {instance.learner_id, getattr(instance, "_loaded_learner_id", None)} - {None}
    current_programmes_refresh(learners)
    instance._loaded_learner_id = instance.learner_id


@receiver(post_init, sender=Programme)
def remember_name(sender, instance: Programme, **kwargs) -> None:
    instance._loaded_name = instance.__dict__.get("name")


@receiver(post_save, sender=Programme)
def programme_changed(sender, instance: Programme, created: bool, **kwargs) -> None:
    # Only a rename touches the learners' rows (a programme has up to thousands of them).
    if not created and instance.name != getattr(instance, "_loaded_name", None):
        programme_renamed(instance)
    instance._loaded_name = instance.name


@receiver(post_save, sender=Programme)
@receiver(post_delete, sender=Programme)
def programme_list_changed(sender, instance: Programme, **kwargs) -> None:
    PROGRAMME_CHOICES.forget()
