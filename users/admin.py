from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from .models import Group, Organisation, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
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
        (
            "Personal",
            {
                "fields": [
                    "title",
                    "first_name",
                    "middle_name",
                    "last_name",
                    "preferred_name",
                    "date_of_birth",
                    "sex",
                ]
            },
        ),
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


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "email", "phone", "postcode"]
    list_filter = ["kind"]
    search_fields = ["name", "email", "postcode"]


@admin.register(Group)
class GroupAdmin(TreeAdmin):
    form = movenodeform_factory(Group)
    list_display = ["name", "depth", "created_at"]
    search_fields = ["name"]
