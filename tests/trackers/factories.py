from trackers import services
from trackers.models import Tracker, TrackerType


def raise_tracker(learner, code: str, actor, *, change: dict | None = None, **data) -> Tracker:
    """A tracker raised through the service, as the add page does."""
    data.setdefault("description", f"{code} for {learner.full_name}")
    return services.tracker_create(
        learner=learner,
        tracker_type=TrackerType.objects.get(code=code),
        data=data,
        change_data=change or {},
        actor=actor,
    )
