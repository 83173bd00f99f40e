"""Grant the milestone, course progress and functional skills permissions to standard roles.

Milestones are money (claims and payments), so only Supervisors edit them; recording a
learner's course progress and functional skills assessments is everyday work for those who
edit learner or programme details, and Compliance QA uploads functional skills evidence.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {
    "Supervisor": ["edit_milestones", "record_course_progress", "record_functional_skills"],
    "Edit Learner Details": ["record_course_progress", "record_functional_skills"],
    "Edit Programme Details": ["record_course_progress", "record_functional_skills"],
    "Compliance QA": ["record_functional_skills"],
}


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; make this app's exist now.
    app_config = apps.get_app_config("programmes")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Role = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        role, _ = Role.objects.get_or_create(name=name)
        role.permissions.add(
            *Permission.objects.filter(content_type__app_label="programmes", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Role = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        for role in Role.objects.filter(name=name):
            role.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label="programmes", codename__in=codenames
                )
            )


class Migration(migrations.Migration):
    dependencies = [
        ("programmes", "0008_milestones_courses_functional_skills"),
        ("users", "0002_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
