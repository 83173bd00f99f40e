import datetime

from auditlog.context import set_actor

from users.models import User


def change(user: User, *, actor=None, at=None, ip="192.0.2.10", reason="", **fields):
    """Save ``fields`` on ``user`` as ``actor`` at ``at`` (a UK-local datetime), audited."""
    for name, value in fields.items():
        setattr(user, name, value)
    if reason:
        user.audit_reason = reason
    with set_actor(actor, remote_addr=ip) if actor else _nothing():
        if at is not None:
            _save_at(user, at)
        else:
            user.save()
    user.audit_reason = ""


def _save_at(user, at: datetime.datetime):
    import time_machine
    from django.utils import timezone

    aware = timezone.make_aware(at) if timezone.is_naive(at) else at
    with time_machine.travel(aware, tick=False):
        user.save()


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
