from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth.admin import GroupAdmin as DjangoRoleAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import Group as Role
from django.core.paginator import Paginator
from django.db.models import F, Q, Value
from django.db.models.functions import Concat
from django.template.defaultfilters import pluralize
from django.utils.functional import cached_property
from django.utils.html import format_html_join
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from aptem.validators import fold_for_search, normalise_ni_number
from audit.models import AuditEntry
from audit.trail import present

from .admin_scope import ScopedAdmin, about_visible_users, hides_sensitive
from .email_models import OutboundEmail
from .emails import email_send_again
from .forms import PERSONAL
from .lists import CASE_OWNERS
from .models import Group, Organisation, User
from .notification_models import Notification

# Only a superuser hands out the admin's own powers.
SUPERUSER_ONLY_FIELDS = ["is_superuser", "user_permissions"]


class CappedPaginator(Paginator):
    """Counts no further than ``cap + 1`` rows: at a million users an exact COUNT of a broad
    search costs seconds. Beyond the cap the pages say "More than 10,000" (see the templates
    in templates/admin/users/user/), and the page links reach the first ``cap`` rows."""

    cap = 10_000

    @cached_property
    def count(self) -> int:
        known = getattr(self.object_list, "search_matches", None)
        if known is not None:
            return min(known, self.cap + 1)
        return self.object_list.order_by()[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    @property
    def cap_text(self) -> str:
        return f"{self.cap:,}"


def user_search(term: str, *, sensitive: bool) -> Q:
    """Users matching an admin search, on the indexes of the Users page (issue 13).

    Every word in any part of the name, in any order (as portal.filters.UserFilter.filter_name
    does), or the email, the reference number or, for those who may see them, the NI number or
    ULN starting with the term.
    """
    words = fold_for_search(term).split()
    condition = Q(*[Q(search_name__contains=word) for word in words])
    condition |= Q(email__startswith=term.lower()) | Q(reference_number__istartswith=term)
    if sensitive:
        condition |= Q(ni_number__startswith=normalise_ni_number(term))
        # ULNs are ten digits and not indexed: only a term that could be one looks for it.
        if term.isdigit() and len(term) == 10:
            condition |= Q(uln=term)
    return condition


# Searches with up to this many matches sort them by expressions (see UserAdmin.get_paginator).
NAME_SORTED_MATCHES = 50_000


def _by_expression(part):
    """``part`` of the changelist's ordering, the name columns as expressions of themselves."""
    name = part.lstrip("-") if isinstance(part, str) else None
    if name not in ("last_name", "first_name"):
        return part
    expression = Concat(F(name), Value(""))
    return expression.desc() if part.startswith("-") else expression.asc()


class UserChangeList(ChangeList):
    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        if not self.query.strip() or exclude_parameters:
            return queryset
        # A name's matches cluster in name order, so with LIMIT 100 PostgreSQL guesses that
        # walking the name index finds them soon, and at a million users walks most of it
        # ("smith", 25,000 matches: 5 s). Up to NAME_SORTED_MATCHES matches, ordering by
        # expressions no index supplies, in the same order, makes it collect them through the
        # trigram index and sort just those (as UserFilter.sorted does for the Users page).
        # Broader searches ("an": 226,000) are spread along the index, which finds 100 soon.
        matches = queryset.order_by()[: NAME_SORTED_MATCHES + 1].count()
        if matches <= NAME_SORTED_MATCHES:
            queryset = queryset.order_by(*[_by_expression(p) for p in queryset.query.order_by])
        # CappedPaginator counts from this rather than counting again.
        queryset.search_matches = matches
        return queryset


@admin.register(User)
class UserAdmin(ScopedAdmin, DjangoUserAdmin):
    scope = ""
    ordering = ["last_name", "first_name"]
    list_display = [
        "email",
        "first_name",
        "last_name",
        "user_type",
        "subscription_status",
        "case_owner",
        "reference_number",
        "created_at",
    ]
    list_filter = ["user_type", "subscription_status", "is_staff", "roles", "groups"]
    search_fields = ["first_name", "last_name", "email", "ni_number", "reference_number", "uln"]
    search_help_text = (
        "Any part of the name, in any order; or the start of the email, reference number, "
        "NI number or ULN."
    )
    # The searches and counts Django would make by default scan the whole table (see
    # get_search_results and CappedPaginator).
    show_full_result_count = False
    paginator = CappedPaginator
    list_select_related = ["case_owner"]
    raw_id_fields = ["case_owner", "manager", "mentor", "created_by"]
    autocomplete_fields = ["organisation", "referrer_organisation"]
    filter_horizontal = ["groups", "roles", "user_permissions"]
    readonly_fields = [
        "created_at",
        "updated_at",
        "last_login",
        "version",
        "invitation_sent_at",
        "invitation_accepted_at",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "email",
                    "password",
                    "user_type",
                    "subscription_status",
                    "status_before_cancel",
                ]
            },
        ),
        # The same personal fields, in the same order, as the portal's user forms.
        ("Personal", {"fields": list(PERSONAL)}),
        (
            "Contact",
            {
                "fields": [
                    "personal_email",
                    "mobile",
                    "landline",
                    "address_line_1",
                    "address_line_2",
                    "town",
                    "county",
                    "postcode",
                ]
            },
        ),
        ("Identifiers", {"fields": ["ni_number", "uln", "reference_number", "job_title"]}),
        (
            "Relationships",
            {
                "fields": [
                    "case_owner",
                    "organisation",
                    "manager",
                    "mentor",
                    "referrer_organisation",
                    "groups",
                ]
            },
        ),
        (
            "Access",
            {"fields": ["is_active", "is_staff", "is_superuser", "roles", "user_permissions"]},
        ),
        (
            "Subscription",
            {
                "fields": [
                    "subscription_start",
                    "subscription_end",
                    "invitation_sent_at",
                    "invitation_accepted_at",
                ]
            },
        ),
        ("Record", {"fields": ["created_at", "created_by", "updated_at", "last_login", "version"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "email",
                    "first_name",
                    "last_name",
                    "user_type",
                    "password1",
                    "password2",
                ],
            },
        ),
    ]

    def get_search_results(self, request, queryset, search_term):
        # Django's default ORs UPPER(column) LIKE '%word%' over every search field, which no
        # index serves: 4-8 s at a million users. search_fields stays set so the box shows.
        term = search_term.strip()
        if not term:
            return queryset, False
        sensitive = any(
            name.lstrip("=^@") == "ni_number" for name in self.get_search_fields(request)
        )
        return queryset.filter(user_search(term, sensitive=sensitive)), False

    def get_changelist(self, request, **kwargs):
        return UserChangeList

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += [*SUPERUSER_ONLY_FIELDS, "kept_groups", "kept_roles"]
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or request.user.is_superuser:
            return fieldsets
        return [*fieldsets, ("Kept as they are", {"fields": ["kept_groups", "kept_roles"]})]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # As in the portal: roles the editor holds (and may grant), groups within their scope.
        if not request.user.is_superuser:
            if db_field.name == "roles":
                kwargs["queryset"] = request.user.grantable_roles()
            elif db_field.name == "groups":
                kwargs["queryset"] = Group.objects.visible_to(request.user)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        # The form offers only what the editor may grant; what lies beyond it is kept.
        user = form.instance
        kept_groups = self._kept_groups(request, user) if change else []
        kept_roles = self._kept_roles(request, user) if change else []
        super().save_related(request, form, formsets, change)
        if "user_type" in form.changed_data:
            # Only here can a user's type change, so only here can a learner become (or stop
            # being) one of the case owners the Users page offers.
            CASE_OWNERS.forget()
        if kept_groups:
            user.groups.add(*kept_groups)
        if kept_roles:
            user.roles.add(*kept_roles)

    def _kept_groups(self, request, user: User) -> list[Group]:
        if request.user.is_superuser:
            return []
        return list(user.groups.exclude(pk__in=Group.objects.visible_to(request.user)))

    def _kept_roles(self, request, user: User) -> list:
        if request.user.is_superuser:
            return []
        return list(user.roles.exclude(pk__in=request.user.grantable_roles()).order_by("name"))

    @admin.display(description="groups outside your scope")
    def kept_groups(self, obj: User) -> str:
        return ", ".join(g.name for g in getattr(obj, "_kept_groups_shown", [])) or "\u2013"

    @admin.display(description="roles you may not grant")
    def kept_roles(self, obj: User) -> str:
        return ", ".join(r.name for r in getattr(obj, "_kept_roles_shown", [])) or "\u2013"

    def get_object(self, request, object_id, from_field=None):
        user = super().get_object(request, object_id, from_field)
        if user is not None:
            # Read by the kept_* displays, which see only the object.
            user._kept_groups_shown = self._kept_groups(request, user)
            user._kept_roles_shown = self._kept_roles(request, user)
        return user


@admin.register(Organisation)
class OrganisationAdmin(ScopedAdmin):
    scope = None
    list_display = ["name", "kind", "email", "phone", "postcode"]
    list_filter = ["kind"]
    search_fields = ["name", "email", "postcode"]


@admin.register(Group)
class GroupAdmin(ScopedAdmin, TreeAdmin):
    scope = None
    form = movenodeform_factory(Group)
    list_display = ["name", "depth", "created_at"]
    search_fields = ["name"]

    def get_queryset(self, request):
        # Support staff see their own groups and those below them, as in the portal.
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(pk__in=Group.objects.visible_to(request.user).values("pk"))


admin.site.unregister(Role)


@admin.register(Role)
class RoleAdmin(ScopedAdmin, DjangoRoleAdmin):
    """Roles carry permissions: changing one widens the power of everyone who holds it, and
    of anyone who may grant it, so only superusers add, change or delete roles."""

    scope = None

    def has_add_permission(self, request) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None) -> bool:
        return request.user.is_superuser


# --- Audit entries ------------------------------------------------------------------------
# Scoped like every admin here to the users the support account may see; it lives in users,
# not audit, because audit sits below users (users writes its access events through audit).

# Raw stores of the changed values, in which sensitive ones cannot be masked field by field.
RAW_VALUES = ("changes", "changes_text", "serialized_data")

# auditlog registers its own admin for the configured entry model; ours replaces it.
if admin.site.is_registered(AuditEntry):
    admin.site.unregister(AuditEntry)


@admin.register(AuditEntry)
class AuditEntryAdmin(ScopedAdmin):
    """Read-only: audit entries are never added, changed or deleted by hand."""

    list_display = [
        "timestamp",
        "action",
        "content_type",
        "object_repr",
        "actor_email",
        "remote_addr",
        "learner_id",
    ]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "actor_email", "remote_addr", "cid"]
    date_hierarchy = "timestamp"
    list_select_related = ["content_type"]

    def get_queryset(self, request):
        queryset = super(ScopedAdmin, self).get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(about_visible_users(request))

    def get_readonly_fields(self, request, obj=None):
        names = [f.name for f in self.model._meta.fields]
        if hides_sensitive(request):
            # The masked change list of the portal's audit trail instead of the raw values.
            names = [name for name in names if name not in RAW_VALUES] + ["masked_changes"]
        return names

    def get_fields(self, request, obj=None):
        return self.get_readonly_fields(request, obj)

    @admin.display(description="changes")
    def masked_changes(self, obj: AuditEntry):
        # Shown only to those without the permission, so mask as for a viewer who has none.
        rows = present([obj], AnonymousUser())
        return format_html_join("", "<div>{}</div>", ((c.as_text(),) for c in rows[0].changes))

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ScopedAdmin):
    """The outbox, read-only, so support staff can see which emails failed and why; failed
    ones can be queued again. Staff see emails to users the portal shows them (an email to an
    address without an account only a superuser sees)."""

    scope = "recipient"
    list_display = ["created_at", "kind", "address", "subject", "status", "attempts", "error"]
    list_filter = ["status", "kind"]
    search_fields = ["address"]
    date_hierarchy = "created_at"
    actions = ["send_again"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def get_fields(self, request, obj=None):
        return self.get_readonly_fields(request, obj)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_resend_permission(self, request) -> bool:
        # The model's change permission is what a support role is given to act on the outbox.
        return request.user.has_perm("users.change_outboundemail")

    @admin.action(description="Send again (failed emails only)", permissions=["resend"])
    def send_again(self, request, queryset) -> None:
        queued = email_send_again(emails=queryset, actor=request.user)
        skipped = queryset.count() - queued
        self.message_user(
            request,
            f"{queued} failed email{pluralize(queued)} queued to be sent again."
            + (f" {skipped} not failed, left alone." if skipped else ""),
            messages.SUCCESS if queued else messages.WARNING,
        )


@admin.register(Notification)
class NotificationAdmin(ScopedAdmin):
    """Notifications, read-only, so support staff can answer "was I told?": who was told what,
    when, and whether they have read it. Staff see those of users the portal shows them."""

    scope = "recipient"
    list_display = ["created_at", "recipient", "kind", "title", "actor", "read_at"]
    list_filter = ["kind"]
    list_select_related = ["recipient", "actor"]
    search_fields = ["recipient__email", "title"]
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def get_fields(self, request, obj=None):
        return self.get_readonly_fields(request, obj)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    # Delete keeps the model permission: deleting a user deletes their notifications, and an
    # admin that refused it would refuse to delete anyone who had ever been notified.
