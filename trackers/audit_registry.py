"""The trackers app's models recorded by auditlog, imported once from ``TrackersConfig.ready()``."""

from auditlog.registry import auditlog

from audit.display import describe

from .models import Tracker, TrackerNote
from .sections import TRACKERS

# The version is bookkeeping for conflict detection; it travels in additional_data.
auditlog.register(Tracker, exclude_fields=["version"], m2m_fields={"documents"})
auditlog.register(TrackerNote)

describe(Tracker, TrackerNote, section=TRACKERS.title)
