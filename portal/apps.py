from django.apps import AppConfig


class PortalConfig(AppConfig):
    # The top floor: it may import every app, and no app imports it (pyproject.toml's
    # import-linter contracts say so and `make test` checks them).
    name = "portal"
    verbose_name = "Portal"

    def ready(self) -> None:
        # Registers the export kinds (the Users and audit trail CSVs, the Mandates (PDF) batch)
        # and the entity sets of the OData reporting feed.
        from . import exports, mandate_batch, odata  # noqa: F401
