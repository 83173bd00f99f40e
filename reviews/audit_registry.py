"""The reviews app's models recorded by auditlog, imported once from ``ReviewsConfig.ready()``."""

from auditlog.registry import auditlog

from .models import Review, ReviewTemplate

# The version is bookkeeping for conflict detection; it travels in additional_data.
auditlog.register(Review, exclude_fields=["version"])
auditlog.register(ReviewTemplate, exclude_fields=["version"])
