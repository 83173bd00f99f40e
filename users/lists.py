"""The users app's shared lists (aptem/shared_lists.py): every group, and the case owners the
Users page offers. ``users/signals.py`` forgets them when a group or an administrator changes."""

from aptem.shared_lists import SharedList

from .models import Group, User

# Every group in path order, for those who see all groups (``User.visible_groups``).
ALL_GROUPS: SharedList[Group] = SharedList("groups", lambda: list(Group.objects.all()))

# (pk, "First Last") of every administrator not archived, by surname then first name.
CASE_OWNERS: SharedList[tuple[int, str]] = SharedList(
    "case-owners",
    lambda: [
        (pk, f"{first} {last}")
        for pk, first, last in User.objects.administrators().values_list(
            "pk", "first_name", "last_name"
        )
    ],
)
