from django.apps import AppConfig


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = "Notes and contacts"

    def ready(self) -> None:
        from . import (
            audit_registry,  # noqa: F401  (registers the models with auditlog)
            exports,  # noqa: F401  (registers the CRM activities export kind)
        )
