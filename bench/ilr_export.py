"""ILR export benchmark: 10,000 learners with ILRs, the batch export job end to end.

Run it with ``make bench`` (which migrates first), or alone::

    python bench/ilr_export.py                      # the default database (SQLite unless set)
    DATABASE_URL=postgres://... python bench/ilr_export.py

It creates (once) a root group "ILR bench", an ILR-enabled programme and 10,000 learners in
that group, each enrolled on it with a valid apprenticeship ILR (two aims, FAMs, price
records, prior attainment, employment status with monitoring): about 14 rows per learner. The
rows are written with ``bulk_create`` for speed, which skips the audit trail; that is fine for
benchmark data and is never done in request code. A database that already holds them is
reused. The viewer is a bench administrator who sees only that group, so the export holds
exactly those 10,000 learners.

Then it runs the export task inline (the immediate task backend, no worker): scope query, loading
in chunks with every ILR child, the DfE rules per learner, streaming the XML, validating the
file against the XSD, storing it with its SHA-256 and marking each learner exported (one
UPDATE per chunk plus the audit entries a save would write). It prints learners, seconds,
queries and the file size. Target: under 30 seconds.

Options: ``--learners N`` (default 10000), ``--check`` (exit 1 when the target is missed).
"""

import argparse
import datetime
import os
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aptem.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import Group as Role  # noqa: E402
from django.core.files.storage import default_storage  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from aptem.validators import uln_check_digit  # noqa: E402
from programmes.current import current_programmes_refresh  # noqa: E402
from programmes.ilr import export_job, tasks, xml_file  # noqa: E402
from programmes.ilr import models as ilr  # noqa: E402
from programmes.models import Enrolment, Programme  # noqa: E402
from users.models import Group, User  # noqa: E402
from users.scope import scopes_by_group  # noqa: E402

TARGET_SECONDS = 30.0
BATCH = 1000
REF_PREFIX = "IB"
VIEWER_EMAIL = "ilr.bench@example.org"
D = datetime.date


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=10_000)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    # The job itself is measured, not the queue: the task runs where it is queued.
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

    viewer, group, programme = ensure_setup()
    have = ilr.IlrLearner.objects.filter(learn_ref_number__startswith=REF_PREFIX).count()
    if have < args.learners:
        started = time.perf_counter()
        create_learners(group, programme, have, args.learners)
        print(f"Created {args.learners - have} learners in {time.perf_counter() - started:.1f} s")
    clear_previous_exports(viewer)
    in_scope = export_job.ilrs_in_scope(viewer, xml_file.CURRENT.year).count()

    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    started = time.perf_counter()
    with connection.execute_wrapper(count):
        # The bench's ILRs are not QA verified: ask for them, as an administrator would tick
        # "include ILRs not QA verified".
        export = tasks.export_start(
            viewer=viewer,
            year=xml_file.CURRENT.year,
            filters=export_job.ExportFilters(include_unverified=True),
        )
    seconds = time.perf_counter() - started
    size = export.file.size if export.file else 0
    print(f"Database:   {connection.vendor}")
    print(f"Learners:   {in_scope} (in the export: {export.total})")
    print(f"Status:     {export.get_status_display()} {export.error[:200]}")
    print(f"Seconds:    {seconds:.1f} (target under {TARGET_SECONDS:.0f})")
    print(f"Queries:    {queries}")
    print(
        f"File:       {export.file_name}, {size / 1_000_000:.1f} MB, sha256 {export.sha256[:16]}…"
    )
    ok = export.status == ilr.IlrExport.Status.READY and seconds < TARGET_SECONDS
    print("Target met." if ok else "TARGET MISSED.")
    return 1 if args.check and not ok else 0


def ensure_setup() -> tuple[User, Group, Programme]:
    group = Group.objects.filter(name="ILR bench", depth=1).first()
    if group is None:
        group = Group.objects.add_root(instance=Group(name="ILR bench"))
    programme, _ = Programme.objects.get_or_create(
        code="ILR-BENCH",
        defaults={"name": "ILR bench apprenticeship", "ilr_enabled": True, "standard_code": 91},
    )
    viewer = User.objects.filter(email=VIEWER_EMAIL).first()
    if viewer is None:
        viewer = User.objects.create_user(
            VIEWER_EMAIL,
            password=None,
            first_name="ILR",
            last_name="Bench",
            user_type=User.Type.ADMINISTRATOR,
            subscription_status=User.Status.FULL_USER,
        )
        viewer.groups.set([group])
        viewer.roles.set(Role.objects.filter(name__in=["Standard administrator", "Manage ILRs"]))
    return viewer, group, programme


def clear_previous_exports(viewer: User) -> None:
    # Export jobs are not audited records; the bench's own would use up the 99 serials.
    for export in ilr.IlrExport.objects.filter(created_by=viewer):
        if export.file:
            default_storage.delete(export.file.name)
        export.delete()


def _letters(n: int) -> str:
    """A distinct name without digits (ILR names may not hold any): 0 → Aaaa, 1 → Aaab..."""
    letters = ""
    for _ in range(4):
        n, digit = divmod(n, 26)
        letters = chr(97 + digit) + letters
    return letters.capitalize()


def _uln(n: int) -> str:
    while True:
        stem = f"{1_000_000_000 + n * 7:010d}"[:9]
        check = uln_check_digit(stem + "0")
        if check is not None:
            return stem + check
        n += 1_000_003


def create_learners(group: Group, programme: Programme, start: int, end: int) -> None:
    run = uuid.uuid4().hex[:6]
    for first in range(start, end, BATCH):
        numbers = range(first, min(first + BATCH, end))
        with transaction.atomic():
            _create_batch(group, programme, numbers, run)


def _create_batch(group, programme, numbers, run) -> None:
    # The group scope (users/scope.py) with the row: bulk_create sends no signals.
    scope = scopes_by_group()[group.pk]
    users = User.objects.bulk_create(
        User(
            user_type=User.Type.LEARNER,
            scope_ids=scope,
            email=f"ilr.bench.{run}.{n}@example.invalid",
            first_name="Bench",
            last_name=_letters(n),
            search_name=f"bench {_letters(n).lower()}",
            subscription_status=User.Status.FULL_USER,
            reference_number=f"{REF_PREFIX}{n:06d}",
            password="!",
        )
        for n in numbers
    )
    User.groups.through.objects.bulk_create(
        User.groups.through(user_id=u.pk, group_id=group.pk) for u in users
    )
    Enrolment.objects.bulk_create(
        Enrolment(
            learner=u,
            programme=programme,
            status=Enrolment.Status.ACTIVE,
            start_date=D(2025, 9, 1),
            planned_end_date=D(2026, 9, 30),
        )
        for u in users
    )
    # bulk_create sends no signals: the Users page's current programme columns.
    current_programmes_refresh([u.pk for u in users])
    ilrs = ilr.IlrLearner.objects.bulk_create(
        ilr.IlrLearner(
            learner=u,
            learn_ref_number=f"{REF_PREFIX}{n:06d}",
            uln=_uln(n),
            family_name=_letters(n),
            given_names="Bench",
            date_of_birth=D(2000, 5, 17),
            ethnicity=31,
            sex="F",
            lldd_health_prob=2,
            ni_number="AB123456C",
            postcode_prior="ZZ99 9ZZ",
            postcode="ZZ99 9ZZ",
            add_line1="1 Example Street",
            tel_no="01234567890",
            email=f"bench{n}@example.invalid",
        )
        for u, n in zip(users, numbers, strict=True)
    )
    ilr.PriorAttain.objects.bulk_create(
        ilr.PriorAttain(ilr=i, prior_level=3, date_level_app=D(2025, 9, 1)) for i in ilrs
    )
    statuses = ilr.LearnerEmploymentStatus.objects.bulk_create(
        ilr.LearnerEmploymentStatus(
            ilr=i, emp_stat=10, date_emp_stat_app=D(2025, 8, 31), emp_id=154549452
        )
        for i in ilrs
    )
    ilr.EmploymentStatusMonitoring.objects.bulk_create(
        ilr.EmploymentStatusMonitoring(employment_status=s, esm_type=t, esm_code=c)
        for s in statuses
        for t, c in (("LOE", 4), ("EII", 8))
    )
    aims = ilr.LearningDelivery.objects.bulk_create(
        ilr.LearningDelivery(
            ilr=i,
            learn_aim_ref=ref,
            aim_type=aim_type,
            aim_seq_number=seq,
            learn_start_date=D(2025, 9, 1),
            learn_plan_end_date=end,
            fund_model=36,
            p_hours=400 if seq == 1 else None,
            prog_type=25,
            std_code=91,
            del_loc_post_code="ZZ99 9ZZ",
            epa_org_id="EPA0001" if seq == 1 else "",
            comp_status=1,
            sw_sup_aim_id=str(uuid.uuid4()),
        )
        for i in ilrs
        for seq, ref, aim_type, end in (
            (1, "ZPROG001", 1, D(2026, 9, 30)),
            (2, "50093186", 3, D(2026, 6, 30)),
        )
    )
    ilr.LearningDeliveryFAM.objects.bulk_create(
        ilr.LearningDeliveryFAM(
            delivery=a, learn_del_fam_type=t, learn_del_fam_code=c, learn_del_fam_date_from=f
        )
        for a in aims
        for t, c, f in (("SOF", "105", None), ("ACT", "1", D(2025, 9, 1)))
    )
    ilr.AppFinRecord.objects.bulk_create(
        ilr.AppFinRecord(
            delivery=a, afin_type="TNP", afin_code=c, afin_date=D(2025, 9, 1), afin_amount=amount
        )
        for a in aims
        if a.aim_seq_number == 1
        for c, amount in ((1, 9000), (2, 1000))
    )


if __name__ == "__main__":
    sys.exit(main())
