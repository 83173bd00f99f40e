from django.apps import AppConfig


class CrmConfig(AppConfig):
    name = "crm"
    verbose_name = "Notes and contacts"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import CrmContact, LearnerContact, Note

        # The version is bookkeeping for conflict detection; it travels in additional_data.
        auditlog.register(Note, exclude_fields=["updated_at", "version"])
        auditlog.register(LearnerContact)
        auditlog.register(CrmContact)
