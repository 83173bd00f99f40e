"""Give the learning plan's permissions to the roles that hold them.

Edit Programme Details may change learning plans, log and verify off-the-job hours and assess
evidence; Supervisor holds them too.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Edit Programme Details": ["edit_learning_plan", "verify_otj_hours", "assess_evidence"],
    "Supervisor": ["edit_learning_plan", "verify_otj_hours", "assess_evidence"],
}


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; make them exist now.
    app_config = apps.get_app_config("programmes")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Role = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        role, _ = Role.objects.get_or_create(name=name)
        for codename in codenames:
            role.permissions.add(
                Permission.objects.get(content_type__app_label="programmes", codename=codename)
            )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    codenames = {c for names in GRANTS.values() for c in names}
    Permission.objects.filter(content_type__app_label="programmes", codename__in=codenames).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0010_learning_plan_otj_wizard"),
        ("users", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
