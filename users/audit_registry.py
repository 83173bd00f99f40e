"""The users app's models recorded by auditlog. Derived and secret fields are left out; every
other app registers its own models the same way from its ``ready()``."""

from auditlog.registry import auditlog

from .models import Group, Organisation, User

auditlog.register(
    User,
    exclude_fields=["password", "last_login", "search_name", "updated_at", "version"],
    m2m_fields={"groups", "roles"},
)
auditlog.register(Organisation)
auditlog.register(Group, exclude_fields=["path", "depth", "numchild"])
