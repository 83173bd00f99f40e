from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = "Programmes"

    def ready(self) -> None:
        from . import audit_registry  # noqa: F401  (registers the models with auditlog)
