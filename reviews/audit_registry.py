"""The reviews app's models recorded by auditlog, imported once from ``ReviewsConfig.ready()``."""

from auditlog.registry import auditlog

from audit.display import describe

from .models import Answer, Question, Review, ReviewFiling, ReviewTemplate, TemplateSection
from .sections import REVIEWS

# The version is bookkeeping for conflict detection; it travels in additional_data.
auditlog.register(Review, exclude_fields=["version"])
auditlog.register(ReviewTemplate, exclude_fields=["version"])
auditlog.register(TemplateSection)
auditlog.register(Question)
auditlog.register(Answer)
auditlog.register(ReviewFiling)

# The snapshot and the ticked checklist are shown on the review's own page and in its PDF.
describe(Review, Answer, ReviewFiling, section=REVIEWS.title, hidden=["snapshot", "checklist_done"])
