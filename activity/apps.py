from django.apps import AppConfig


class ActivityConfig(AppConfig):
    name = "activity"
    verbose_name = "Activity and tasks"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from . import audit_registry  # noqa: F401  (registers the models with auditlog)
        from .signals import record_sign_in

        user_logged_in.connect(record_sign_in, dispatch_uid="activity_record_sign_in")
