"""Grant the review permissions as compliance grants its own: the new role "Manage Review
Templates" and Manage Programmes manage the templates, Edit Learner Details (the tutors who
change a learner's record) and Supervisor plan and conduct reviews; exporting them needs Data
Export (users.export_data), as every export does."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Supervisor": ["manage_review_templates", "conduct_reviews"],
    "Manage Review Templates": ["manage_review_templates"],
    "Manage Programmes": ["manage_review_templates"],
    "Edit Learner Details": ["conduct_reviews"],
}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("reviews")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Role = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        role, _ = Role.objects.get_or_create(name=name)
        role.permissions.add(
            *Permission.objects.filter(content_type__app_label="reviews", codename__in=codenames)
        )


def ungrant(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Manage Review Templates").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0002_conduct_filing"),
        ("users", "0002_roles"),
        ("compliance", "0002_types_and_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, ungrant)]
