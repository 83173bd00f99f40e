from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "programmes"
    verbose_name = "Programmes"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from .models import Enrolment, Programme

        auditlog.register(Programme)
        auditlog.register(Enrolment)
