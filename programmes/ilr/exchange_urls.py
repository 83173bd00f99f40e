"""ILR XML export and import (Manage ILRs)."""

urlpatterns: list = []
