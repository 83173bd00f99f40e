from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "users"
    verbose_name = "Users and groups"

    def ready(self) -> None:
        from . import audit_registry  # noqa: F401  (registers the models with auditlog)
