"""Template tags of the Users page: sortable headers and the table's rows."""

import datetime
import functools
import html
from collections.abc import Iterable

from django import template
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe

from programmes.models import Enrolment
from users.access import may_cancel, may_edit
from users.models import User

register = template.Library()

SORT_LABELS = {
    "name": "name",
    "type": "type",
    "status": "status",
    "email": "email",
    "programme": "programme",
    "case_owner": "case owner",
    "reference": "reference number",
    "created": "date created",
}


@register.filter
def sort_label(sort: str) -> str:
    key = sort.lstrip("-")
    direction = "descending" if sort.startswith("-") else "ascending"
    return f"{SORT_LABELS.get(key, key)}, {direction}"


# The table's sortable columns: the sort (a filters.SORTS key), the heading, and the class that
# sizes the column or hides it on narrower screens.
COLUMNS = [
    ("name", "Name", "col-name"),
    ("type", "Type", "col-type d-none d-xl-table-cell"),
    ("status", "Status", "col-status"),
    ("email", "Email", "col-email d-none d-md-table-cell"),
    ("programme", "Programme", "col-programme d-none d-md-table-cell"),
    ("case_owner", "Case owner", "col-case-owner d-none d-xl-table-cell"),
    ("reference", "Reference", "col-reference d-none d-xl-table-cell"),
    ("created", "Created", "col-created d-none d-xxl-table-cell"),
]


@register.simple_tag(takes_context=True)
def sort_headers(context) -> SafeString:
    """The sortable columns' headers, each a link that sorts by its column; clicking the
    current one again reverses the order."""
    current = context["sort"]
    query = context["filter"].data.copy()
    query.pop("page", None)
    query.pop("cursor", None)  # a cursor is a place in one order, meaningless in another
    # The links differ only in their sort, so the rest of the query string is encoded once,
    # in the parts before and after the sort's place in it (the end, if it has none).
    before, after = QueryDict(mutable=True), QueryDict(mutable=True)
    part = before
    for key, values in query.lists():
        if key == "sort":
            part = after
        else:
            part.setlist(key, values)
    before, after = before.urlencode(), after.urlencode()
    headers = []
    for key, label, css_class in COLUMNS:
        if current == key:
            sort, aria = f"-{key}", "ascending"
        elif current == f"-{key}":
            sort, aria = key, "descending"
        else:
            sort, aria = key, None
        href = "&".join(p for p in (before, urlencode({"sort": sort}), after) if p)
        headers.append(
            format_html(
                '<th scope="col" class="{}"{}><a href="?{}">{}<span aria-hidden="true">{}</span>'
                '<span class="visually-hidden">, sort</span></a></th>',
                css_class,
                format_html(' aria-sort="{}"', aria) if aria else "",
                href,
                label,
                {"ascending": " ▲", "descending": " ▼"}.get(aria, ""),
            )
        )
    return mark_safe("".join(headers))  # each made by format_html


_PK_PLACEHOLDER = 987654321
# What an empty cell shows.
EMPTY = "\u2013"  # an en dash
# Labels by stored value, as get_FOO_display gives them (an unknown value is shown as it is).
TYPE_LABELS = dict(User.Type.choices)
STATUS_LABELS = dict(User.Status.choices)
PROGRAMME_STATUS_LABELS = dict(Enrolment.Status.choices)


@functools.cache
def _url_pattern(name: str) -> str:
    return reverse(name, args=[_PK_PLACEHOLDER])


def user_url(name: str, pk: int) -> str:
    """``reverse(name, args=[pk])`` for the per-user URLs, resolved once per name.

    The Users page links every row to up to four such URLs; reversing each separately is a
    measurable part of the page's time at 100 rows.
    """
    return _url_pattern(name).replace(str(_PK_PLACEHOLDER), str(pk))


@register.simple_tag(takes_context=True)
def user_rows(context, people: Iterable[User]) -> SafeString:
    """The Users table's rows: one ``<tr>`` a user, the name as the row header.

    Drawn here rather than by a ``{% for %}`` over the row's markup: the template's lookups,
    filters and tags cost about half a millisecond a row, most of a search's own time at 25
    or 100 rows. Every value is escaped with ``html.escape``, which is what Django's ``escape``
    does inside (without its checks for lazy text, which no value here is, and which cost more
    than the escaping itself at several hundred values a page), so the markup is the one the
    template made.
    """
    viewer = context["request"].user
    zone = timezone.get_current_timezone()
    return mark_safe("".join(_row(viewer, person, zone) for person in people))


def _row(viewer: User, person: User, zone: datetime.tzinfo) -> str:
    """One row's markup, every value in it escaped."""
    name = _escape(f"{person.last_name}, {person.first_name}")
    email = _escape(person.email or "")
    reference = _escape(person.reference_number or "")
    owner = person.case_owner
    owner_name = _escape(owner.full_name) if owner else ""
    # Any case owner gives the cell a title, as it always has, even one with no name.
    owner_title = f' title="{owner_name}"' if owner else ""
    return (
        "<tr>"
        f'<th scope="row"><a class="d-block text-truncate" '
        f'href="{user_url("portal:user_detail", person.pk)}" title="{name}">{name}</a></th>'
        '<td class="d-none d-xl-table-cell text-truncate">'
        f"{_escape(TYPE_LABELS.get(person.user_type, person.user_type))}</td>"
        '<td class="text-truncate">'
        f"{_escape(STATUS_LABELS.get(person.subscription_status, person.subscription_status))}"
        "</td>"
        f'<td class="d-none d-md-table-cell text-truncate"{_title(email)}>{email or EMPTY}</td>'
        '<td class="d-none d-md-table-cell">'
        f"{_programme(person.programme_name, person.programme_status)}</td>"
        f'<td class="d-none d-xl-table-cell text-truncate"{owner_title}>{owner_name or EMPTY}</td>'
        f'<td class="d-none d-xl-table-cell text-truncate"{_title(reference)}>'
        f"{reference or EMPTY}</td>"
        '<td class="d-none d-xxl-table-cell">'
        f"{person.created_at.astimezone(zone).strftime('%d/%m/%Y')}</td>"
        f'<td class="row-actions">{_row_actions(viewer, person)}</td>'
        "</tr>"
    )


def _escape(value: str) -> str:
    return html.escape(str(value))


def _title(escaped: str) -> str:
    """A cell's title attribute (of an escaped value): the full text of a value the column
    may cut short."""
    return f' title="{escaped}"' if escaped else ""


def _programme(name: str | None, status: str | None) -> str:
    if not name:
        return EMPTY
    name = _escape(name)
    status_label = _escape(PROGRAMME_STATUS_LABELS.get(status, status or ""))
    return (
        '<div class="d-flex align-items-baseline gap-1">'
        f'<span class="text-truncate" title="{name}">{name}</span>'
        f'<span class="small text-body-secondary text-nowrap">{status_label}</span></div>'
    )


def _row_actions(viewer: User, person: User) -> str:
    actions = []
    if may_edit(viewer, person):
        actions.append(("users:edit", "Edit"))
    if may_cancel(viewer, person):
        if person.can_be_cancelled:
            actions.append(("users:cancel", "Cancel"))
        elif person.can_be_reinstated:
            actions.append(("users:reinstate", "Reinstate"))
    full_name = _escape(person.full_name)
    return " ".join(
        f'<a class="btn btn-sm btn-outline-secondary" href="{user_url(url_name, person.pk)}" '
        f'aria-label="{label} {full_name}">{label}</a>'
        for url_name, label in actions
    )
