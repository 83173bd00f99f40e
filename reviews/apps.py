from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Progress reviews"

    def ready(self) -> None:
        from . import (
            audit_registry,  # noqa: F401  (registers the models with auditlog)
            due_signals,  # noqa: F401  (the review schedule follows its records)
            signatures,  # noqa: F401  (listens to the signing signals)
        )
