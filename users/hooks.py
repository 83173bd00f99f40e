"""Rules the apps above users add to users' own workflows, without users importing them.

users sits below the section apps (DESIGN section 3), so it cannot ask programmes whether a
learner's ILR went out in a submission or was QA-verified. Instead programmes registers those
rules here from its ``AppConfig.ready``, and the archive service and the learner form ask the
hooks. A rule returns the reason in words for the page, or "" when it has nothing to say.
"""

from collections.abc import Callable

from .models import User

# (user) -> why they cannot be archived, or "".
ArchiveRule = Callable[[User], str]
# (learner, viewer) -> why the viewer may not change the learner's names, or "".
NameLockRule = Callable[[User, User], str]

_archive_rules: list[ArchiveRule] = []
_name_lock_rules: list[NameLockRule] = []


def refuse_archive_when(rule: ArchiveRule) -> ArchiveRule:
    """Register ``rule``; registering it again (a second ``ready()``) changes nothing."""
    if rule not in _archive_rules:
        _archive_rules.append(rule)
    return rule


def lock_names_when(rule: NameLockRule) -> NameLockRule:
    """Register ``rule``; registering it again (a second ``ready()``) changes nothing."""
    if rule not in _name_lock_rules:
        _name_lock_rules.append(rule)
    return rule


def archive_refusal(user: User) -> str:
    """Why ``user`` cannot be archived (the first rule that objects), or "" when they can."""
    for rule in _archive_rules:
        if reason := rule(user):
            return reason
    return ""


def name_lock(learner: User, viewer: User) -> str:
    """Why ``viewer`` may not change ``learner``'s names, or "" when they may."""
    for rule in _name_lock_rules:
        if reason := rule(learner, viewer):
            return reason
    return ""
