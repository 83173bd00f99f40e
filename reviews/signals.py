"""Signals of the reviews app.

``review_changed`` is sent (inside the transaction) whenever a review is created, completed,
signed or deleted, so the learner's review schedule (the next due date) can follow it.
"""

from django.dispatch import Signal

# Sent with sender=Review and review=<the Review>.
review_changed = Signal()
