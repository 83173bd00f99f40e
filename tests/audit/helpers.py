import contextlib

import time_machine
from auditlog.context import set_actor
from django.utils import timezone

from users.models import User


def change(user: User, *, actor=None, at=None, ip="192.0.2.10", reason="", **fields):
    """Save ``fields`` on ``user`` as ``actor`` (from ``ip``), at ``at`` (UK time) if given."""
    for name, value in fields.items():
        setattr(user, name, value)
    user.audit_reason = reason
    with contextlib.ExitStack() as stack:
        if actor is not None:
            stack.enter_context(set_actor(actor, remote_addr=ip))
        if at is not None:
            moment = timezone.make_aware(at) if timezone.is_naive(at) else at
            stack.enter_context(time_machine.travel(moment, tick=False))
        user.save()
    user.audit_reason = ""
