from django.apps import AppConfig


class ActivityConfig(AppConfig):
    name = "activity"
    verbose_name = "Activity and tasks"

    def ready(self) -> None:
        from auditlog.registry import auditlog
        from django.contrib.auth.signals import user_logged_in

        from .models import Task
        from .signals import record_sign_in

        # Tasks are learner records: every change belongs in the learner's audit trail.
        # Activity events are high-volume telemetry and are deliberately not audited.
        auditlog.register(Task)
        user_logged_in.connect(record_sign_in, dispatch_uid="activity_record_sign_in")
