from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "users"
    verbose_name = "Users and groups"

    def ready(self) -> None:
        from axes.signals import user_locked_out
        from django.contrib.auth.signals import user_logged_in

        from . import (
            audit_registry,  # noqa: F401  (registers the models with auditlog)
            signals,  # noqa: F401  (keeps the users' group scope columns)
        )
        from .lockout import record_lock
        from .two_factor import note_sign_in

        user_locked_out.connect(record_lock, dispatch_uid="users_record_lock")
        user_logged_in.connect(note_sign_in, dispatch_uid="users_note_two_factor")
