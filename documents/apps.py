from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "Documents and mandates"

    def ready(self) -> None:
        from . import audit_registry  # noqa: F401  (registers the models with auditlog)
