"""The programmes app's shared list (aptem/shared_lists.py): the programmes the Users page
offers as a filter. ``programmes/signals.py`` forgets it when a programme changes."""

from aptem.shared_lists import SharedList

from .models import Programme

# (pk, name) of every programme, by name.
PROGRAMME_CHOICES: SharedList[tuple[int, str]] = SharedList(
    "programme-choices", lambda: list(Programme.objects.values_list("pk", "name"))
)
