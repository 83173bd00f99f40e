"""Seed the compliance document types with a first template version each, and grant the
compliance permissions: Compliance QA verifies and replaces verified documents, Supervisor does
everything, ILR QA replaces verified ones, and the new role "Compliance mass processing" works in
bulk on the Signatures page."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from compliance.default_templates import BODIES, TYPES

LEGACY_VALID_FROM = "2009-02-19"

GRANTS = {
    "Supervisor": [
        "manage_compliance_templates",
        "create_compliance_documents",
        "qa_compliance_documents",
        "replace_verified_compliance_documents",
        "mass_process",
    ],
    "Compliance QA": ["qa_compliance_documents", "replace_verified_compliance_documents"],
    "ILR QA": ["replace_verified_compliance_documents"],
    "Manage Programmes": ["manage_compliance_templates"],
    "Edit Programme Details": ["create_compliance_documents"],
    "Compliance mass processing": ["create_compliance_documents", "mass_process"],
}


def seed(apps, schema_editor):
    DocumentType = apps.get_model("compliance", "DocumentType")
    TemplateVersion = apps.get_model("compliance", "TemplateVersion")
    for order, (code, name, description, _) in enumerate(TYPES, start=1):
        kind, created = DocumentType.objects.get_or_create(
            code=code, defaults={"name": name, "description": description, "order": order}
        )
        if created:
            TemplateVersion.objects.create(
                document_type=kind, label="v1", body=BODIES[code], valid_from=LEGACY_VALID_FROM
            )
    app_config = apps.get_app_config("compliance")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Role = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        role, _ = Role.objects.get_or_create(name=name)
        role.permissions.add(
            *Permission.objects.filter(content_type__app_label="compliance", codename__in=codenames)
        )


def unseed(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Compliance mass processing").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("compliance", "0001_initial"),
        ("users", "0002_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
