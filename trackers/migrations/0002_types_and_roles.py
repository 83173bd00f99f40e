"""The built-in tracker types, and who may raise and decide trackers: the Create Trackers role
(created empty by users/0002) raises and edits them, the new Approve Change Requests role
approves and rejects change requests, and Supervisor does both."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# (code, name, change it requests, job outcome), in the order the type list offers them.
TYPES = [
    ("job", "Job", "", "JOB"),
    ("apprenticeship", "Apprenticeship", "", ""),
    ("traineeship", "Traineeship", "", ""),
    ("education", "Education", "", ""),
    ("self-employment", "Self-employment", "", "SELF_EMPLOYMENT"),
    ("ilr", "ILR", "ILR", ""),
    ("compliance", "Compliance", "", ""),
    ("break", "Break in learning", "BREAK", ""),
    ("return", "Return to learning", "RETURN", ""),
    ("programme-change", "Change of programme", "PROGRAMME", ""),
    ("withdrawal", "Withdrawal", "WITHDRAWAL", ""),
    ("completion", "Completion", "COMPLETION", ""),
    ("employer-change", "Change of employer", "EMPLOYER", ""),
    ("hours-change", "Change of working hours", "HOURS", ""),
    ("name-change", "Change of learner name", "NAME", ""),
    ("contact-change", "Change of contact details", "CONTACT", ""),
    ("learning-support", "Additional learning support", "LEARNING_SUPPORT", ""),
]

GRANTS = {
    "Supervisor": ["create_trackers", "approve_trackers"],
    "Create Trackers": ["create_trackers"],
    "Approve Change Requests": ["approve_trackers"],
}


def forwards(apps, schema_editor):
    TrackerType = apps.get_model("trackers", "TrackerType")
    for order, (code, name, change, outcome) in enumerate(TYPES, start=1):
        TrackerType.objects.update_or_create(
            code=code,
            defaults={"name": name, "change": change, "outcome": outcome, "order": order * 10},
        )
    app_config = apps.get_app_config("trackers")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Role = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GRANTS.items():
        role, _ = Role.objects.get_or_create(name=name)
        role.permissions.add(
            *Permission.objects.filter(content_type__app_label="trackers", codename__in=codenames)
        )


def backwards(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Approve Change Requests").delete()
    apps.get_model("trackers", "TrackerType").objects.filter(code__isnull=False).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("trackers", "0001_initial"),
        ("users", "0002_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
