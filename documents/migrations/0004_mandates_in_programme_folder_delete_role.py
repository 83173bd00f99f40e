"""Existing mandates move into the Programme documents folder, their upload is their current
file's; and the "Delete User Documents" role (created empty by users/0002_roles) and Supervisor
get the permission to delete a learner's documents."""

from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.db.models import F

GRANTS = {
    "Delete User Documents": ["delete_user_documents"],
    "Supervisor": ["delete_user_documents"],
}


def forwards(apps, schema_editor):
    Document = apps.get_model("documents", "Document")
    # Historical models carry no auditlog registration: this rewrites no learner's data, only
    # files existing rows into their folder.
    Document.objects.filter(kind="MANDATE").update(
        folder="PROGRAMME", uploaded_at=F("created_at"), uploaded_by=F("created_by")
    )
    Document.objects.exclude(kind="MANDATE").update(
        uploaded_at=F("created_at"), uploaded_by=F("created_by")
    )
    # Permissions are normally created after all migrations; make them exist now.
    app_config = apps.get_app_config("documents")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Role = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        role, _ = Role.objects.get_or_create(name=name)
        for codename in codenames:
            role.permissions.add(
                Permission.objects.get(content_type__app_label="documents", codename=codename)
            )


def backwards(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(
        content_type__app_label="documents", codename="delete_user_documents"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0003_section_folders_versions_soft_delete"),
        ("users", "0002_roles"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
