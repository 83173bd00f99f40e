"""aptem's plain_field and checkboxes tags draw what Django's own widget templates draw."""

import datetime
import re

import pytest
from django import forms
from django.template import Context, Template

from aptem.templatetags.portal import checkboxes, plain_field


class SearchForm(forms.Form):
    name = forms.CharField(required=False, help_text="Any part <of> the name.")
    email = forms.EmailField(max_length=40)
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    code = forms.CharField(required=False, disabled=True)
    status = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[("A", "Active"), ("B", "Broken <b>")],
    )


def tags(html: str) -> list[tuple[str, dict[str, str]]]:
    """Each tag's name and attributes, whatever their order and the spacing between tags."""
    return [
        (name, dict(re.findall(r'([\w-]+)(?:="([^"]*)")?', attrs)))
        for name, attrs in re.findall(r"<(\w+)([^>]*)>", html)
    ]


@pytest.mark.parametrize("field", ["name", "email", "since", "code"])
@pytest.mark.parametrize(
    "data",
    [
        None,
        {"name": 'Smith "<i>', "email": "not an email", "since": "2026-02-30", "code": "x"},
        {"name": "", "email": "a@example.com", "since": "2026-02-03"},
    ],
)
def test_inputs_have_the_attributes_and_value_djangos_widget_gives_them(field, data):
    form = SearchForm(data, initial={"since": datetime.date(2026, 1, 31)})
    bound = form[field]
    html = str(plain_field(bound))
    attrs = {"class": "form-control" + (" is-invalid" if bound.errors else "")}
    if bound.help_text:
        attrs["aria-describedby"] = f"{bound.auto_id}_helptext"
    expected = bound.as_widget(attrs=attrs)
    drawn = [t for t in tags(html) if t[0] == "input"]
    assert drawn == [t for t in tags(expected) if t[0] == "input"]


def test_a_value_with_markup_is_escaped_in_the_input():
    html = str(plain_field(SearchForm({"name": '"><script>'})["name"]))
    assert 'value="&quot;&gt;&lt;script&gt;"' in html
    assert "<script>" not in html


def test_checkboxes_draw_what_the_template_loop_over_the_choices_draws():
    form = SearchForm({"status": ["B"]})
    loop = Template(
        "{% for choice in form.status %}"
        '<div class="form-check">{% include "components/_check_input.html" %}'
        '<label class="form-check-label" for="{{ choice.id_for_label }}">'
        "{{ choice.choice_label }}</label></div>"
        "{% endfor %}"
    ).render(Context({"form": form}))
    html = str(checkboxes(form["status"]))
    assert tags(html) == tags(loop)
    assert re.sub(r">\s+<", "><", html) == re.sub(r">\s+<", "><", loop)
    assert "Broken &lt;b&gt;" in html
