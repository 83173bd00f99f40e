import django.db.models.deletion
from django.db import migrations, models

# One statement at a million learners: the current enrolment with the latest start (then the
# newest), as the Users page's per-row subquery chose it (DESC puts NULL dates first here, as
# that subquery did on PostgreSQL).
FILL_POSTGRESQL = """
UPDATE users_user u
SET current_programme_id = c.programme_id,
    current_programme_name = c.name,
    current_programme_status = c.status
FROM (
    SELECT DISTINCT ON (e.learner_id) e.learner_id, e.programme_id, p.name, e.status
    FROM programmes_enrolment e JOIN programmes_programme p ON p.id = e.programme_id
    WHERE e.is_current
    ORDER BY e.learner_id, e.start_date DESC, e.id DESC
) c
WHERE c.learner_id = u.id
"""


def fill_current_programme(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FILL_POSTGRESQL)
        return
    # Elsewhere (SQLite, small data) the same subquery the page used, one UPDATE.
    User = apps.get_model("users", "User")
    Enrolment = apps.get_model("programmes", "Enrolment")
    current = Enrolment.objects.filter(learner=models.OuterRef("pk"), is_current=True).order_by(
        "-start_date", "-pk"
    )
    User.objects.filter(
        models.Exists(Enrolment.objects.filter(learner=models.OuterRef("pk"), is_current=True))
    ).update(
        current_programme=models.Subquery(current.values("programme")[:1]),
        current_programme_name=models.Subquery(current.values("programme__name")[:1]),
        current_programme_status=models.Subquery(current.values("status")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("programmes", "0018_ilr_import_job"),
        ("users", "0009_outbound_email"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="current_programme",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="programmes.programme",
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="current_programme_name",
            field=models.CharField(blank=True, editable=False, max_length=200, null=True),
        ),
        migrations.AddField(
            model_name="user",
            name="current_programme_status",
            field=models.CharField(blank=True, editable=False, max_length=20, null=True),
        ),
        # Filled before the indexes are built: building them once is far cheaper than
        # maintaining them through a million updates.
        migrations.RunPython(fill_current_programme, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="user",
            index=models.Index(
                fields=["current_programme", "current_programme_status"],
                name="user_current_programme",
            ),
        ),
        migrations.AddIndex(
            model_name="user",
            index=models.Index(
                fields=["current_programme_name", "current_programme_status", "id"],
                name="user_programme_order",
            ),
        ),
    ]
