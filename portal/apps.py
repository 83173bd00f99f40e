from django.apps import AppConfig


class PortalConfig(AppConfig):
    # The top floor: it may import every app, and no app imports it (pyproject.toml's
    # import-linter contracts say so and `make test` checks them).
    name = "portal"
    verbose_name = "Portal"

    def ready(self) -> None:
        from . import exports  # noqa: F401  (registers the Users and audit trail export kinds)
