"""Create the standard roles (auth groups) with their permissions.

Roles whose features arrive with later apps (compliance, trackers, bursaries, documents) are
created empty here; the migration that adds each feature grants its permissions to the role.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLES = {
    "Standard administrator": [
        "users.view_user",
        "users.view_organisation",
        "users.view_group",
        "programmes.view_programme",
        "programmes.view_enrolment",
    ],
    "Supervisor": [
        "users.supervise_admins",
        "users.view_archived",
        "users.archive_user",
        "users.cancel_subscription",
        "users.view_sensitive_data",
    ],
    "Edit Learner Details": ["users.edit_user_details", "users.cancel_subscription"],
    "Edit Programme Details": ["programmes.edit_programme_details"],
    "ILR QA": ["programmes.qa_verify_ilr", "users.view_sensitive_data"],
    "Manage ILRs": ["programmes.manage_ilrs"],
    "Manage Programmes": ["programmes.manage_programmes"],
    "Compliance QA": [],
    "Create Users": ["users.create_users"],
    "Create Admins": ["users.create_admins"],
    "Create Groups": ["users.create_groups"],
    "View all groups": ["users.view_all_groups"],
    "Data Export": ["users.export_data"],
    "Bulk Upload": ["users.bulk_upload"],
    "Create Trackers": [],
    "Manage Bursaries": [],
    "Delete User Documents": [],
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; make them exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Role = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in ROLES.items():
        role, _ = Role.objects.get_or_create(name=name)
        for perm in perms:
            app_label, codename = perm.split(".")
            role.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("users", "0001_initial"),
        ("programmes", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
