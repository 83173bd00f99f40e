"""Template helpers shared by every app."""

import datetime
import functools

from django import forms, template
from django.core.paginator import Page
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def add_class(bound_field, css_class: str):
    """Render a form field's widget with an extra CSS class."""
    return bound_field.as_widget(attrs={"class": css_class})


@register.filter
def field_label(form, name: str) -> str:
    field = form.fields.get(name)
    return field.label if field else name


@register.filter
def have_errors(formsets) -> bool:
    """Whether any of ``formsets`` (or none given) has an error in a row or across rows."""
    return any(fs.non_form_errors() or fs.total_error_count() for fs in formsets or ())


@register.filter
def iso_date(value: str) -> str:
    """A date stored as ISO text in JSON (``2026-12-16``) shown as the portal shows dates."""
    try:
        return datetime.date.fromisoformat(value).strftime("%d/%m/%Y")
    except (TypeError, ValueError):
        return value


@register.simple_tag
def elided_pages(page: Page):
    return page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)


@register.simple_tag
def plain_field(bound_field) -> str:
    """A label, a Bootstrap-styled widget, help text and errors for one field.

    A lighter alternative to crispy-forms for the search panel, which is drawn on every search:
    crispy's templates, and Django's template per widget (one per option for a select), cost
    several milliseconds a field, so selects and plain inputs are drawn here directly.
    """
    widget = bound_field.field.widget
    is_select = isinstance(widget, forms.Select)
    help_id = f"{bound_field.auto_id}_helptext"
    attrs = {"class": ("form-select" if is_select else "form-control")}
    if bound_field.errors:
        attrs["class"] += " is-invalid"
    if bound_field.help_text:
        attrs["aria-describedby"] = help_id
    if is_select:
        control = _select(bound_field, attrs)
    elif widget.template_name in _INPUT_TEMPLATES:
        control = _input(bound_field, attrs)
    else:
        control = bound_field.as_widget(attrs=attrs)
    return format_html(
        '<div class="mb-3"><label class="form-label" for="{}">{}</label>{}{}{}</div>',
        bound_field.id_for_label,
        bound_field.label,
        control,
        format_html('<div class="form-text" id="{}">{}</div>', help_id, bound_field.help_text)
        if bound_field.help_text
        else "",
        format_html('<div class="invalid-feedback">{}</div>', " ".join(bound_field.errors))
        if bound_field.errors
        else "",
    )


# Django's widgets whose template is its input.html and nothing else.
_INPUT_TEMPLATES = {
    f"django/forms/widgets/{name}.html"
    for name in ("text", "email", "number", "url", "password", "search", "tel", "date", "time")
} | {"django/forms/widgets/datetime.html"}


def _input(bound_field, attrs: dict) -> str:
    """The field's ``<input>`` as ``bound_field.as_widget(attrs=attrs)`` draws it: the same
    attributes (required, aria-describedby, id...) and value, from the widget's own context."""
    widget = bound_field.field.widget
    if bound_field.field.localize:
        widget.is_localized = True
    attrs = bound_field.build_widget_attrs(attrs, widget)
    if bound_field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bound_field.auto_id)
    context = widget.get_context(bound_field.html_name, bound_field.value(), attrs)["widget"]
    # As Django's attrs.html: True is a bare attribute, False none at all.
    shown = format_html_join(
        "",
        "{}",
        (
            (format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value),)
            for name, value in context["attrs"].items()
            if value is not False
        ),
    )
    return format_html(
        '<input type="{}" name="{}"{}{}>',
        context["type"],
        context["name"],
        format_html(' value="{}"', context["value"]) if context["value"] is not None else "",
        shown,
    )


@register.simple_tag
def checkboxes(bound_field) -> SafeString:
    """Each choice of a multiple-choice field (flat choices) as a Bootstrap checkbox with its
    label.

    What ``{% for choice in field %}`` with components/_check_input.html draws, without a
    subwidget and a template include per choice: the Users page's search panel draws its
    status choices on every search.
    """
    return _checkboxes(
        bound_field.html_name,
        bound_field.auto_id,
        tuple((str(value), str(label)) for value, label in bound_field.field.choices),
        frozenset(str(v) for v in bound_field.value() or []),
        bound_field.field.disabled,
    )


@functools.lru_cache(maxsize=256)
def _checkboxes(
    name: str,
    auto_id: str,
    choices: tuple[tuple[str, str], ...],
    chosen: frozenset[str],
    disabled: bool,
) -> SafeString:
    """Drawn once for each list and choice, then reused, as _options."""
    return format_html_join(
        "\n",
        '<div class="form-check"><input type="checkbox" name="{}" value="{}" '
        'class="form-check-input" id="{}"{}{}><label class="form-check-label" for="{}">{}</label>'
        "</div>",
        (
            (
                name,
                value,
                f"{auto_id}_{index}",
                " checked" if value in chosen else "",
                " disabled" if disabled else "",
                f"{auto_id}_{index}",
                label,
            )
            for index, (value, label) in enumerate(choices)
        ),
    )


def _select(bound_field, attrs: dict) -> str:
    value = bound_field.value()
    chosen = {str(v) for v in value} if isinstance(value, list | tuple) else {str(value)}
    multiple = isinstance(bound_field.field.widget, forms.SelectMultiple)
    choices = tuple((str(key), str(label)) for key, label in bound_field.field.choices)
    return format_html(
        '<select name="{}" id="{}"{}{}>{}</select>',
        bound_field.html_name,
        bound_field.auto_id,
        " multiple" if multiple else "",
        flatatt(attrs),
        _options(choices, frozenset(chosen)),
    )


@functools.lru_cache(maxsize=256)
def _options(choices: tuple[tuple[str, str], ...], chosen: frozenset[str]) -> SafeString:
    """A select's options, drawn once for each list and choice and then reused: the Users
    page's search panel draws the same programmes and case owners on every search, and
    escaping them was most of its time. Keyed by the labels themselves, so a renamed or new
    choice is drawn anew."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        ((key, " selected" if key in chosen else "", label) for key, label in choices),
    )
