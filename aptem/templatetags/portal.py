"""Template helpers shared by every app."""

import datetime

from django import forms, template
from django.core.paginator import Page
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join

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
    crispy's templates, and Django's one-template-per-option select widgets, cost several
    milliseconds a field, so selects are drawn here directly.
    """
    widget = bound_field.field.widget
    is_select = isinstance(widget, forms.Select)
    help_id = f"{bound_field.auto_id}_helptext"
    attrs = {"class": ("form-select" if is_select else "form-control")}
    if bound_field.errors:
        attrs["class"] += " is-invalid"
    if bound_field.help_text:
        attrs["aria-describedby"] = help_id
    control = _select(bound_field, attrs) if is_select else bound_field.as_widget(attrs=attrs)
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


def _select(bound_field, attrs: dict) -> str:
    value = bound_field.value()
    chosen = {str(v) for v in value} if isinstance(value, list | tuple) else {str(value)}
    multiple = isinstance(bound_field.field.widget, forms.SelectMultiple)
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (key, " selected" if str(key) in chosen else "", label)
            for key, label in bound_field.field.choices
        ),
    )
    return format_html(
        '<select name="{}" id="{}"{}{}>{}</select>',
        bound_field.html_name,
        bound_field.auto_id,
        " multiple" if multiple else "",
        flatatt(attrs),
        options,
    )
