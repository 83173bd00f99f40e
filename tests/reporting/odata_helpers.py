"""What the reporting feed tests share: making a token and the Authorization headers."""

from __future__ import annotations

import base64
import datetime

from django.utils import timezone

from reporting.odata.tokens import api_token_create

FEED = "/odata/1.0/"


def make_token(owner, *, days: int = 30, name: str = "Power BI") -> tuple:
    expires_on = timezone.localdate() + datetime.timedelta(days=days)
    return api_token_create(owner=owner, name=name, expires_on=expires_on, actor=owner)


def basic(text: str, user: str = "someone@example.org") -> dict:
    encoded = base64.b64encode(f"{user}:{text}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {encoded}"}


def bearer(text: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {text}"}
