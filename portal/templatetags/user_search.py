"""Template tags of the Users page: sortable headers, fast per-row URLs and row actions."""

import functools

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from programmes.models import Enrolment
from users.access import may_cancel, may_edit

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


@register.filter
def programme_status_label(value: str) -> str:
    return Enrolment.Status(value).label if value else ""


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


@functools.cache
def _url_pattern(name: str) -> str:
    return reverse(name, args=[_PK_PLACEHOLDER])


@register.simple_tag
def user_url(name: str, pk: int) -> str:
    """``reverse(name, args=[pk])`` for the per-user URLs, resolved once per name.

    The Users page links every row to up to four such URLs; reversing each separately is a
    measurable part of the page's time at 100 rows.
    """
    return _url_pattern(name).replace(str(_PK_PLACEHOLDER), str(pk))


@register.simple_tag(takes_context=True)
def user_row_actions(context, person) -> str:
    viewer = context["request"].user
    actions = []
    if may_edit(viewer, person):
        actions.append(("users:edit", "Edit", person))
    if may_cancel(viewer, person):
        if person.can_be_cancelled:
            actions.append(("users:cancel", "Cancel", person))
        elif person.can_be_reinstated:
            actions.append(("users:reinstate", "Reinstate", person))
    return format_html_join(
        " ",
        '<a class="btn btn-sm btn-outline-secondary" href="{}" aria-label="{} {}">{}</a>',
        ((user_url(name, p.pk), label, p.full_name, label) for name, label, p in actions),
    )
