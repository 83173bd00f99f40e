"""OData feed benchmark: page through the whole Users and CrmActivities sets as a client would.

Run by ``make bench`` after ``bench/search.py``, which seeds the bench database (see there);
on its own::

    DATABASE_URL=postgres://portal:...@127.0.0.1:5432/portal_bench .venv/bin/python bench/odata.py

As the demo supervisor (sees every group) with a personal API token (Bearer), it requests
``/odata/1.0/Users`` (then ``CrmActivities``) through ``django.test.Client`` and follows every
``@odata.nextLink``
(keyset paging, 1,000 rows a page) to the end, then prints: rows, pages, rows per second, the
first and the last tenth of the pages' median times (keyset paging keeps the last pages as fast
as the first; OFFSET would not), queries per page, and the process's peak memory before and
after (flat: one page is held at a time). The token is deleted afterwards, with its uses.

The bench database has no CRM activities of its own: the first run adds ``--activities``
(default 200,000) in bulk, spread over the learners, and later runs reuse them.

Options: ``--sets`` (default ``Users,CrmActivities``), ``--orderby`` (an OData $orderby,
default none: by Id), ``--select`` (default every property), ``--limit N`` (stop after N
pages), ``--activities N``.
"""

import argparse
import datetime
import os
import resource
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aptem.settings")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from crm.models import CrmActivity  # noqa: E402
from reporting.odata.tokens import api_token_create  # noqa: E402
from users.models import User  # noqa: E402

SUPERVISOR = "supervisor@example.org"


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_mib() -> float:
    """The process's resident memory now (Linux), or its peak elsewhere."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return peak_mib()


class QueryCounter:
    """Counts the queries run, keeping none of them (CaptureQueriesContext keeps each one's
    SQL, which over a thousand pages is memory the feed never uses)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def ensure_activities(wanted: int, author: User) -> None:
    """Add CRM activities in bulk (no audit entries) until there are ``wanted``."""
    have = CrmActivity.objects.count()
    if have >= wanted:
        return
    began = time.perf_counter()
    learners = list(
        User.objects.filter(user_type=User.Type.LEARNER).order_by("pk").values_list("pk", flat=True)
    )
    types = [t for t, _ in CrmActivity.Type.choices]
    start = timezone.now() - datetime.timedelta(days=365)
    batch = []
    for n in range(have, wanted):
        batch.append(
            CrmActivity(
                learner_id=learners[n % len(learners)],
                activity_type=types[n % len(types)],
                direction=CrmActivity.Direction.choices[n % 2][0],
                occurred_at=start + datetime.timedelta(minutes=n % 500_000),
                duration_minutes=n % 60,
                with_whom=CrmActivity.With.LEARNER,
                subject=f"Progress call {n}",
                notes="Talked through the next steps of the programme.",
                created_by=author,
            )
        )
        if len(batch) == 5000:
            CrmActivity.objects.bulk_create(batch)
            batch = []
    CrmActivity.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {CrmActivity._meta.db_table}")
    print(f"Added {wanted - have:,} CRM activities in {time.perf_counter() - began:.1f} s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="Users,CrmActivities", help="entity sets, by commas")
    parser.add_argument("--orderby", default="", help="an OData $orderby")
    parser.add_argument("--select", default="", help="an OData $select")
    parser.add_argument("--limit", type=int, default=0, help="stop after this many pages")
    parser.add_argument("--activities", type=int, default=200_000, help="CRM activities to have")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("Warning: the figures are about PostgreSQL; set DATABASE_URL=postgres://...")
    viewer = User.objects.filter(email=SUPERVISOR).first()
    if viewer is None:
        print(f"No {SUPERVISOR} here: seed the database first (bench/search.py).")
        return 1
    if "CrmActivities" in args.sets.split(","):
        ensure_activities(args.activities, viewer)
    token, text = api_token_create(
        owner=viewer,
        name="OData bench",
        expires_on=timezone.localdate() + datetime.timedelta(days=1),
        actor=viewer,
    )
    client = Client(HTTP_AUTHORIZATION=f"Bearer {text}")
    try:
        for name in args.sets.split(","):
            if page_through(client, name.strip(), args):
                return 1
    finally:
        token.delete()
    return 0


def page_through(client: Client, name: str, args: argparse.Namespace) -> int:
    """Follow the set's nextLinks to the end and print the figures; 1 when the feed refused."""
    params = {"$count": "true"}
    if args.orderby:
        params["$orderby"] = args.orderby
    if args.select:
        params["$select"] = args.select
    # One small request first: the first request of a process loads the URLconf and views,
    # which is no part of paging.
    client.get(f"/odata/1.0/{name}", {"$top": "1"})
    memory_before = peak_mib()
    times, queries, resident, rows, total = [], [], [], 0, None
    url, data = f"/odata/1.0/{name}", params
    started = time.perf_counter()
    while url:
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            begun = time.perf_counter()
            response = client.get(url, data)
            body = response.json()
            times.append(time.perf_counter() - begun)
        if response.status_code != 200:
            print(f"The feed answered {response.status_code}: {body}")
            return 1
        queries.append(counter.count)
        if len(times) in (1, 10):
            resident.append(current_mib())
        rows += len(body["value"])
        if total is None:
            total = body.get("@odata.count")
        link = body.get("@odata.nextLink")
        if not link or (args.limit and len(times) >= args.limit):
            break
        parts = urlsplit(link)
        url, data = f"{parts.path}?{parts.query}", None
    elapsed = time.perf_counter() - started
    tenth = max(1, len(times) // 10)
    print(f"\nOData feed: paging the whole {name} set as the supervisor (Bearer token)")
    print(f"  rows                {rows:>12,} (of @odata.count {total:,})")
    print(f"  pages               {len(times):>12,}")
    print(f"  time                {elapsed:>12.1f} s")
    print(f"  rows per second     {rows / elapsed:>12,.0f}")
    print(f"  first pages median  {statistics.median(times[:tenth]) * 1000:>12.1f} ms")
    print(f"  last pages median   {statistics.median(times[-tenth:]) * 1000:>12.1f} ms")
    print(f"  queries per page    {min(queries):>5} to {max(queries)} (the first page counts)")
    resident.append(current_mib())
    print(
        f"  resident memory     {resident[0]:>8.0f} MiB after page 1, "
        + (f"{resident[1]:.0f} after page 10, " if len(resident) > 2 else "")
        + f"{resident[-1]:.0f} at the end (peak {peak_mib():.0f}, {memory_before:.0f} before)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
