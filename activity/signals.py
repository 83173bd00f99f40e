from .models import ActivityEvent
from .services import activity_record


def record_sign_in(sender, request, user, **kwargs) -> None:
    activity_record(user=user, kind=ActivityEvent.Kind.SIGN_IN)
