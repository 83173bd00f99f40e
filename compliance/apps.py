from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "compliance"
    verbose_name = "Compliance documents"

    def ready(self) -> None:
        from programmes import hooks

        from . import (
            audit_registry,  # noqa: F401  (registers the models with auditlog)
            bulk,  # noqa: F401  (registers the bulk actions' export kind)
            signatures,  # noqa: F401  (listens to the signing signals)
        )
        from .programme_form import REQUIRED_DOCUMENTS

        # programmes cannot import compliance (it sits below): compliance adds its field to the
        # Manage Programmes form through the programmes' hook.
        hooks.add_programme_form_part(REQUIRED_DOCUMENTS)
