"""Template tags of the Users page: sortable headers and the table's rows."""

import datetime
import functools
from collections.abc import Iterable

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from programmes.models import Enrolment
from users.access import may_cancel, may_edit
from users.models import User

from ..filters import SORTS

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


@register.simple_tag(takes_context=True)
def sort_header(context, key: str, label: str, css_class: str = "") -> str:
    """A column header that sorts by ``key``; clicking it again reverses the order.

    ``css_class`` sizes the column, or hides it on narrow screens.
    """
    assert key in SORTS
    current = context["sort"]
    query = context["filter"].data.copy()
    query.pop("page", None)
    query.pop("cursor", None)  # a cursor is a place in one order, meaningless in another
    if current == key:
        query["sort"], aria = f"-{key}", "ascending"
    elif current == f"-{key}":
        query["sort"], aria = key, "descending"
    else:
        query["sort"], aria = key, None
    arrow = {"ascending": " ▲", "descending": " ▼"}.get(aria, "")
    return format_html(
        '<th scope="col"{}{}><a href="?{}">{}<span aria-hidden="true">{}</span>'
        '<span class="visually-hidden">, sort</span></a></th>',
        format_html(' class="{}"', css_class) if css_class else "",
        format_html(' aria-sort="{}"', aria) if aria else "",
        query.urlencode(),
        label,
        arrow,
    )


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
    or 100 rows. Every value goes through format_html, so it is escaped as the template
    escaped it.
    """
    viewer = context["request"].user
    zone = timezone.get_current_timezone()
    # Each row is a SafeString made by format_html.
    return mark_safe("".join(_row(viewer, person, zone) for person in people))


def _row(viewer: User, person: User, zone: datetime.tzinfo) -> SafeString:
    name = f"{person.last_name}, {person.first_name}"
    owner = person.case_owner
    return format_html(
        "<tr>"
        '<th scope="row"><a class="d-block text-truncate" href="{}" title="{}">{}</a></th>'
        '<td class="d-none d-xl-table-cell text-truncate">{}</td>'
        '<td class="text-truncate">{}</td>'
        '<td class="d-none d-md-table-cell text-truncate"{}>{}</td>'
        '<td class="d-none d-md-table-cell">{}</td>'
        '<td class="d-none d-xl-table-cell text-truncate"{}>{}</td>'
        '<td class="d-none d-xl-table-cell text-truncate"{}>{}</td>'
        '<td class="d-none d-xxl-table-cell">{}</td>'
        '<td class="row-actions">{}</td>'
        "</tr>",
        user_url("portal:user_detail", person.pk),
        name,
        name,
        TYPE_LABELS.get(person.user_type, person.user_type),
        STATUS_LABELS.get(person.subscription_status, person.subscription_status),
        _title(person.email),
        person.email or EMPTY,
        _programme(person.programme_name, person.programme_status),
        # Any case owner gives the cell a title, as it always has, even one with no name.
        format_html(' title="{}"', owner.full_name) if owner else "",
        (owner.full_name if owner else "") or EMPTY,
        _title(person.reference_number),
        person.reference_number or EMPTY,
        person.created_at.astimezone(zone).strftime("%d/%m/%Y"),
        _row_actions(viewer, person),
    )


def _title(value: str | None) -> SafeString | str:
    """A cell's title attribute: the full text of a value the column may cut short."""
    return format_html(' title="{}"', value) if value else ""


def _programme(name: str | None, status: str | None) -> SafeString | str:
    if not name:
        return EMPTY
    return format_html(
        '<div class="d-flex align-items-baseline gap-1"><span class="text-truncate" title="{}">'
        '{}</span><span class="small text-body-secondary text-nowrap">{}</span></div>',
        name,
        name,
        PROGRAMME_STATUS_LABELS.get(status, status or ""),
    )


def _row_actions(viewer: User, person: User) -> SafeString:
    actions = []
    if may_edit(viewer, person):
        actions.append(("users:edit", "Edit"))
    if may_cancel(viewer, person):
        if person.can_be_cancelled:
            actions.append(("users:cancel", "Cancel"))
        elif person.can_be_reinstated:
            actions.append(("users:reinstate", "Reinstate"))
    full_name = person.full_name
    return mark_safe(
        " ".join(
            format_html(
                '<a class="btn btn-sm btn-outline-secondary" href="{}" aria-label="{} {}">{}</a>',
                user_url(url_name, person.pk),
                label,
                full_name,
                label,
            )
            for url_name, label in actions
        )
    )
