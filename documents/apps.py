from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = "Documents and mandates"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import Document

        auditlog.register(Document)
