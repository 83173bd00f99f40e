from django.apps import AppConfig


class SigningConfig(AppConfig):
    name = "signing"
    verbose_name = "Electronic signatures"

    def ready(self) -> None:
        from . import audit_registry  # noqa: F401  (registers the models with auditlog)
