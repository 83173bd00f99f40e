"""Sent inside the signing transactions, so a listener that fails rolls the step back:

- ``signer_signed.send(sender=Signer, signer=signer)`` after each signature is recorded (before
  the last one seals the envelope);
- ``envelope_sealed.send(sender=Envelope, envelope=envelope)`` once the envelope is sealed.

The apps that create envelopes (compliance) listen; signing never imports them."""

from django.dispatch import Signal

signer_signed = Signal()
envelope_sealed = Signal()
