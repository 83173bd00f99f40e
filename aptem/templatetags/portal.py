"""Template helpers shared by every app."""

from django import template
from django.core.paginator import Page

register = template.Library()


@register.filter
def add_class(bound_field, css_class: str):
    """Render a form field's widget with an extra CSS class."""
    return bound_field.as_widget(attrs={"class": css_class})


@register.filter
def field_label(form, name: str) -> str:
    field = form.fields.get(name)
    return field.label if field else name


@register.simple_tag
def elided_pages(page: Page):
    return page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
