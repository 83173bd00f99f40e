from django.apps import AppConfig


class TrackersConfig(AppConfig):
    name = "trackers"
    verbose_name = "Trackers"

    def ready(self) -> None:
        from . import audit_registry  # noqa: F401  (registers the models with auditlog)
