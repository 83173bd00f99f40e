"""The permission to see and clear a locked sign-in, granted to the Supervisor role."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; make this app's exist now.
    app_config = apps.get_app_config("users")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Role = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    role, _ = Role.objects.get_or_create(name="Supervisor")
    role.permissions.add(
        Permission.objects.get(content_type__app_label="users", codename="unlock_account")
    )


def revoke(apps, schema_editor):
    Role = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role in Role.objects.filter(name="Supervisor"):
        role.permissions.remove(
            *Permission.objects.filter(content_type__app_label="users", codename="unlock_account")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("users", "0005_membership_group_user_index"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="user",
            options={
                "ordering": ["last_name", "first_name", "pk"],
                "permissions": [
                    ("create_users", "Can create learners, employers and referrers"),
                    ("create_admins", "Can create administrators"),
                    ("edit_user_details", "Can edit learner, employer and referrer details"),
                    ("supervise_admins", "Can see, edit, cancel and reinstate administrators"),
                    ("view_all_groups", "Can see users in every group"),
                    ("view_archived", "Can see archived users"),
                    ("cancel_subscription", "Can cancel and reinstate users"),
                    ("archive_user", "Can archive users"),
                    ("export_data", "Can export data"),
                    ("bulk_upload", "Can upload users and organisations in bulk"),
                    (
                        "view_sensitive_data",
                        "Can see NI number, ULN, date of birth and equality data",
                    ),
                    ("unlock_account", "Can see and clear a sign-in locked by failed attempts"),
                ],
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
