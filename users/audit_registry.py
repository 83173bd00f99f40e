"""The users app's models recorded by auditlog, imported once from ``UsersConfig.ready()``.

Every app registers its audited models the same way, in its own ``audit_registry.py``; derived
and secret fields are left out."""

from auditlog.registry import auditlog

from audit.display import describe

from .models import Group, Organisation, User

auditlog.register(
    User,
    # collapsed_sections is the administrator's own display preference, not a change of the
    # person's record (see User.set_section_collapsed).
    exclude_fields=[
        "password",
        "last_login",
        "search_name",
        "updated_at",
        "version",
        "collapsed_sections",
        # Derived from the enrolments, whose own entries record the change.
        "current_programme",
        "current_programme_name",
        "current_programme_status",
        # Derived from the groups, whose change is recorded as the m2m "groups".
        "scope_ids",
    ],
    m2m_fields={"groups", "roles"},
)
auditlog.register(Organisation)
auditlog.register(Group, exclude_fields=["path", "depth", "numchild"])

# The profile's own headings for the records it shows outside the section list.
describe(User, section="Details")
describe(Organisation, Group, section="Groups and people")
