"""The Django admin under the portal's rules (DESIGN.md §5): support staff who are not
superusers see only the records the portal would show them, sensitive fields only with
``users.view_sensitive_data``, and grant only roles and groups they could grant in the portal.

Every ModelAdmin and inline derives from ``ScopedAdmin`` / ``ScopedInline``; a test checks that
every registered admin does, so a new one cannot forget the scope.
"""

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from audit.trail import SENSITIVE_PERMISSION, is_sensitive

from .models import User


def hides_sensitive(request: HttpRequest) -> bool:
    return not request.user.has_perm(SENSITIVE_PERMISSION)


def _is_sensitive_path(name) -> bool:
    # "learner__ni_number" and search prefixes ("=uln") are about the last field named.
    return isinstance(name, str) and is_sensitive(name.lstrip("=^@").rsplit("__", 1)[-1])


def _without_sensitive(names) -> list:
    return [name for name in names if not _is_sensitive_path(name)]


def _strip_fieldsets(fieldsets) -> list:
    stripped = []
    for title, options in fieldsets:
        fields = []
        for entry in options.get("fields", ()):
            # A tuple in a fieldset puts several fields on one line.
            if isinstance(entry, list | tuple):
                entry = tuple(_without_sensitive(entry))
                if not entry:
                    continue
            elif _is_sensitive_path(entry):
                continue
            fields.append(entry)
        if fields:
            stripped.append((title, {**options, "fields": fields}))
    return stripped


def scope_queryset(queryset: QuerySet, request: HttpRequest, lookup: str | None) -> QuerySet:
    """``queryset`` narrowed to the records of users the portal shows ``request.user``.

    ``lookup`` leads from the record to its user ("learner", "ilr__learner"); "" means the
    records are users themselves; None means the model holds no one's personal data.
    """
    if lookup is None or request.user.is_superuser:
        return queryset
    visible = User.objects.visible_to(request.user).values("pk")
    if lookup == "":
        return queryset.filter(pk__in=visible)
    return queryset.filter(**{f"{lookup}__in": visible})


class _SensitiveFieldsMixin:
    """Leaves sensitive fields off forms and pages for those without the permission."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        return _strip_fieldsets(fieldsets) if hides_sensitive(request) else fieldsets

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        return _without_sensitive(fields) if hides_sensitive(request) else fields


def _needs_sensitive_input(model) -> bool:
    # Such a record cannot be created with its sensitive fields left off the form.
    return any(
        is_sensitive(f.name) and not f.blank and not f.has_default()
        for f in model._meta.concrete_fields
    )


class ScopedAdmin(_SensitiveFieldsMixin, admin.ModelAdmin):
    """A ModelAdmin that shows support staff only what the portal would show them.

    Set ``scope`` to the lookup from the record to the user whose data it is (see
    ``scope_queryset``); leave it None only for models that hold no personal data.
    """

    scope: str | None = "learner"

    def get_queryset(self, request):
        return scope_queryset(super().get_queryset(request), request, self.scope)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # The record's own user must be one the editor may see, so nobody files a record
        # against a learner outside their scope (raw id fields accept any pk otherwise).
        if db_field.name == self.scope and not request.user.is_superuser:
            kwargs["queryset"] = User.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request) -> bool:
        if hides_sensitive(request) and _needs_sensitive_input(self.model):
            return False
        return super().has_add_permission(request)

    def get_list_display(self, request):
        names = super().get_list_display(request)
        return _without_sensitive(names) if hides_sensitive(request) else names

    def get_list_filter(self, request):
        names = super().get_list_filter(request)
        return _without_sensitive(names) if hides_sensitive(request) else names

    def get_search_fields(self, request):
        # Searching by NI number would tell who has which one.
        names = super().get_search_fields(request)
        return _without_sensitive(names) if hides_sensitive(request) else names

    def get_inline_instances(self, request, obj=None):
        inlines = super().get_inline_instances(request, obj)
        if hides_sensitive(request):
            inlines = [i for i in inlines if not is_sensitive(i.model._meta.model_name)]
        return inlines


class ScopedInline(_SensitiveFieldsMixin, admin.options.InlineModelAdmin):
    """Inline rows follow their parent's scope; sensitive fields and whole sensitive models
    (LLDD and health problems) are left out as on a ScopedAdmin."""

    def has_add_permission(self, request, obj) -> bool:
        if hides_sensitive(request) and _needs_sensitive_input(self.model):
            return False
        return super().has_add_permission(request, obj)


class ScopedTabularInline(ScopedInline, admin.TabularInline):
    pass


class ScopedStackedInline(ScopedInline, admin.StackedInline):
    pass


def about_visible_users(request: HttpRequest) -> Q:
    """Audit entries linked to a visible learner, or about a visible user's own record."""
    from django.contrib.contenttypes.models import ContentType

    visible = User.objects.visible_to(request.user)
    user_type = ContentType.objects.get_for_model(User)
    return Q(learner__in=visible.values("pk")) | Q(
        content_type=user_type, object_id__in=visible.values("pk")
    )
