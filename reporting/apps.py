from django.apps import AppConfig


class ReportingConfig(AppConfig):
    # Cross-app CSV exports as background jobs, the OData reporting feed and its API tokens. The
    # export kinds and the feed's entity sets are registered by portal (reporting.exports.register,
    # reporting.odata.schema.register), the one app that may import every section app.
    name = "reporting"
    verbose_name = "Reporting"

    def ready(self) -> None:
        from . import audit_registry  # noqa: F401
