from django.apps import AppConfig


class ReportingConfig(AppConfig):
    # Cross-app CSV exports as background jobs. The export kinds themselves are registered by
    # portal (reporting.exports.register), the one app that may import every section app.
    name = "reporting"
    verbose_name = "Reporting"
