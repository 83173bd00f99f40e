import datetime

from django.contrib.auth.models import Group as Role

from compliance.models import DocumentType, ProgrammeRequirement
from tests.factories import EnrolmentFactory


def grant(user, *roles: str):
    user.roles.add(*Role.objects.filter(name__in=roles))
    # Permissions are cached on the user object.
    for cache in ("_perm_cache", "_group_perm_cache", "_user_perm_cache"):
        user.__dict__.pop(cache, None)
    return user


def kind(code: str = "commitment-statement") -> DocumentType:
    return DocumentType.objects.get(code=code)


def required_enrolment(learner, *codes: str, **fields):
    """A current enrolment of ``learner`` on a programme requiring ``codes`` (default: the
    Commitment Statement)."""
    fields.setdefault("planned_end_date", datetime.date(2027, 7, 5))
    fields.setdefault("weekly_hours", 30)
    enrolment = EnrolmentFactory(learner=learner, is_current=True, **fields)
    for code in codes or ("commitment-statement",):
        ProgrammeRequirement.objects.create(programme=enrolment.programme, document_type=kind(code))
    return enrolment
