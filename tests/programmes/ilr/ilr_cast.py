"""Administrators for the ILR page tests, besides the shared cast: both see North."""

from tests.factories import AdminFactory

EDITOR_ROLES = ["Standard administrator", "Manage ILRs"]


def make_editor(tree):
    """Manage ILRs without ILR QA (and without the sensitive-data role)."""
    return AdminFactory(
        first_name="Ed", last_name="Editor", groups=[tree["north"]], roles=EDITOR_ROLES
    )


def make_qa(tree):
    """Manage ILRs and ILR QA."""
    return AdminFactory(
        first_name="Quinn",
        last_name="Checker",
        groups=[tree["north"]],
        roles=[*EDITOR_ROLES, "ILR QA"],
    )
