"""Users CSV export benchmark: rows a second and peak memory, against PostgreSQL's COPY.

Run it against an already seeded database (``bench/search.py`` or ``make bench`` seeds one)::

    DATABASE_URL=postgres://... python bench/export.py --rows 100000 --rows 1000000

For each size it streams the supervisor's default Users export (``/users/export.csv``, the
streaming response; EXPORT_INLINE_MAX_ROWS is raised in the measuring process so the request
streams instead of starting a file export) and, with ``--task``, writes the same export kind to a
file as the reporting app's background task does (``kind.rows`` through ``csv_chunks``). Each
measurement runs in a subprocess of its own, so its peak RSS (``resource.getrusage``) is the
export's. The floor is PostgreSQL's ``COPY (SELECT ...) TO STDOUT`` of the same rows and
columns. Target (issue 13): at least 50,000 rows a second, with flat memory.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aptem.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from users.models import User  # noqa: E402

SUPERVISOR = "supervisor@example.org"
TARGET_ROWS_PER_S = 50_000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, action="append", help="rows to export (repeatable)")
    parser.add_argument("--task", action="store_true", help="also measure the file task's path")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        path, limit = args.child.split(":")
        return child(path, int(limit))
    print(f"Database: {connection.vendor} ({connection.settings_dict['NAME']})")
    paths = ["response", "task"] if args.task else ["response"]
    print(
        f"{'path':<9} {'rows':>9} {'seconds':>8} {'rows/s':>9} {'peak MB':>8} {'start MB':>8} "
        f"{'queries':>7} {'COPY s':>7} {'x COPY':>6}"
    )
    for rows in args.rows or [100_000]:
        floor = copy_floor(rows)
        for path in paths:
            out = subprocess.run(
                [sys.executable, __file__, "--child", f"{path}:{rows}"],
                capture_output=True,
                text=True,
                check=True,
            )
            f = json.loads(out.stdout.strip().splitlines()[-1])
            print(
                f"{path:<9} {f['rows']:>9,} {f['seconds']:>8.2f} "
                f"{f['rows'] / f['seconds']:>9,.0f} {f['peak_rss_mb']:>8.0f} "
                f"{f['start_rss_mb']:>8.0f} {f['queries']:>7} {floor:>7.2f} "
                f"{f['seconds'] / floor:>6.1f}"
            )
    return 0


def child(path: str, limit: int) -> int:
    """Export up to ``limit`` data rows by ``path`` and print the figures as JSON."""
    settings.DEBUG = False
    settings.EXPORT_INLINE_MAX_ROWS = 10**9  # stream in the request, whatever the size
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers")
    viewer = User.objects.get(email=SUPERVISOR)
    start_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = -1  # the header line
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        if path == "response":
            client = Client()
            client.force_login(viewer)
            response = client.get("/users/export.csv")
            if response.status_code != 200:
                raise SystemExit(f"/users/export.csv answered {response.status_code}, not 200")
            for chunk in response.streaming_content:
                rows += chunk.count(b"\n")
                if rows >= limit:
                    break
            response.close()
        else:
            from itertools import islice

            from aptem.csv_export import csv_chunks
            from reporting.exports import kind_of

            produced = islice(kind_of("users").rows(viewer, {"query": ""}), limit + 1)
            with tempfile.TemporaryFile("w", encoding="utf-8", newline="") as handle:
                for text in csv_chunks(produced):
                    handle.write(text)
                    rows += text.count("\n")
            rows -= 1  # the trailer
        seconds = time.perf_counter() - started
    figures = {
        "rows": min(rows, limit),
        "seconds": seconds,
        "queries": len(captured.captured_queries),
        "start_rss_mb": start_rss,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    print(json.dumps(figures))
    return 0


def copy_floor(rows: int) -> float:
    """Seconds for the database alone to hand over the same rows and columns (COPY)."""
    statuses = ", ".join(f"'{s}'" for s in User.DEFAULT_LIST_STATUSES)
    select = (
        "SELECT u.id, u.first_name, u.last_name, u.user_type, u.subscription_status, u.email, "
        "u.current_programme_name, u.current_programme_status, "
        "co.first_name || ' ' || co.last_name, u.reference_number, u.ni_number, "
        "u.subscription_end, u.created_at FROM users_user u "
        "LEFT JOIN users_user co ON co.id = u.case_owner_id "
        f"WHERE u.subscription_status IN ({statuses}) "
        f"ORDER BY u.last_name, u.first_name, u.id LIMIT {rows}"
    )
    started = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.connection.cursor().copy(f"COPY ({select}) TO STDOUT (FORMAT csv)") as cp:
                for _ in cp:
                    pass
        else:
            cursor.execute(select)
            while cursor.fetchmany(5000):
                pass
    return time.perf_counter() - started


if __name__ == "__main__":
    sys.exit(main())
