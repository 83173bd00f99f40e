from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = "Programmes"

    def ready(self) -> None:
        from users import hooks

        from . import (
            audit_registry,  # noqa: F401  (registers the models with auditlog)
            signals,  # noqa: F401  (keeps the learners' current programme columns)
        )
        from .ilr.services import archive_refusal, names_lock

        # users cannot import programmes (it sits below), so programmes hands it these rules.
        hooks.refuse_archive_when(archive_refusal)
        hooks.lock_names_when(names_lock)
