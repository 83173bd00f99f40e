import contextlib
import importlib

import django_filters
from django import forms
from django.apps import apps
from django.conf import settings

from aptem.widgets import DateInput
from programmes.ilr.forms import IlrFormMixin

PROJECT_APPS = [a.name for a in apps.get_app_configs() if (settings.BASE_DIR / a.name).is_dir()]


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def _project_classes(base: type, module_names: tuple[str, ...]) -> list[type]:
    # Importing every app's forms and filters modules registers their classes as subclasses.
    for app in PROJECT_APPS:
        for name in module_names:
            with contextlib.suppress(ModuleNotFoundError):
                importlib.import_module(f"{app}.{name}")
    return [c for c in _subclasses(base) if c.__module__.split(".")[0] in PROJECT_APPS]


def test_the_date_widget_is_a_picker_limited_to_the_dates_the_server_accepts():
    html = DateInput().render("when", None)
    assert 'type="date"' in html
    assert 'min="1900-01-01"' in html
    assert 'max="2100-12-31"' in html


def test_every_date_field_in_every_form_uses_the_shared_date_widget():
    classes = _project_classes(forms.BaseForm, ("forms", "ilr.forms", "learning.forms"))
    assert len(classes) > 20
    # The ILR forms give every date field the widget when built (checked below).
    classes = [cls for cls in classes if not issubclass(cls, IlrFormMixin)]
    plain = [
        f"{cls.__module__}.{cls.__name__}.{name}"
        for cls in classes
        for name, field in cls.base_fields.items()
        if isinstance(field, forms.DateField) and not isinstance(field.widget, DateInput)
    ]
    assert plain == []


def test_every_date_filter_uses_the_shared_date_widget():
    classes = _project_classes(django_filters.FilterSet, ("filters", "progress.filters"))
    date_filters = [
        (cls, name, f)
        for cls in classes
        for name, f in cls.base_filters.items()
        if isinstance(f, django_filters.DateFilter)
    ]
    assert date_filters
    assert [
        f"{cls.__name__}.{name}"
        for cls, name, f in date_filters
        if not isinstance(f.field.widget, DateInput)
    ] == []


def test_the_ilr_forms_give_every_date_field_the_shared_date_widget():
    from programmes.ilr.forms import IlrCreateForm

    form = IlrCreateForm()
    assert isinstance(form.fields["date_of_birth"].widget, DateInput)
