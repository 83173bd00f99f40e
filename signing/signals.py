"""Sent inside the sealing transaction, so a listener that fails rolls the seal back:
``envelope_sealed.send(sender=Envelope, envelope=envelope)``."""

from django.dispatch import Signal

envelope_sealed = Signal()
