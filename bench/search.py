"""Users page, profile and Users CSV benchmark: the real views, server-side timings, one table.

Run it with ``make bench`` (which migrates first) against PostgreSQL::

    DATABASE_URL=postgres://portal:...@127.0.0.1:5432/portal_bench make bench LEARNERS=1000000

A database without users is seeded with ``LEARNERS`` learners (default 100,000) by
``bench/seed.py``: seed_demo's cast and its first 300 learners, then the rest by COPY (the seed
time is printed). A database that already holds exactly that many learners (not counting the
"ILR bench" group that ``bench/ilr_export.py`` adds) is reused; any other count is refused,
because the figures would not be comparable.

Each case is requested through ``django.test.Client`` as the demo supervisor (sees every group)
and the demo tutor (sees the North region): up to 2 warm-up requests (1 when the first takes
over a second), one request under ``CaptureQueriesContext`` to count the queries and sum their
database time, then up to ``--runs`` timed requests without capturing, stopping early once a
case has used ``--budget`` seconds (at least one timed run), so slow cases stay bounded.

Besides the page itself the table shows, per case:

- floor: the best hand-written SQL for the same rows (the page's rows with a LIMIT, in the
  page's order; the reverse order for the last page), run through the same connection; the
  bench checks that it returns the rows the page shows ("same rows");
- admin: the Django admin changelist's search for the same words (name searches, supervisor:
  the tutor is not staff);
- the profile of a learner with 1,000 rows in every section that lists rows;
- the Users CSV export (supervisor, default filters) by ``bench/export.py``, a subprocess per
  measurement, as the streamed response and as the background task's file, for 100,000 rows
  and, at 1,000,000 learners or more, for the whole set: rows per second and the subprocess's
  peak RSS (``resource.getrusage``), against PostgreSQL's COPY of the same rows as the floor.

Targets (issue 13): each Users page case at most 100 ms median, the profile at most 80 ms,
the export at least 50,000 rows a second; the admin's search within 500 ms.

Options: ``--learners N`` (default 100000), ``--runs N`` (default 3), ``--budget S`` (seconds
per case and viewer, default 10), ``--explain`` (print each case's captured SQL with its time,
and EXPLAIN ANALYZE of its slowest query), ``--no-full-export`` (skip the whole-set export),
``--check`` (exit 1 when a target is missed).
"""

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aptem.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.http import QueryDict  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from aptem.pagination import paginate_capped  # noqa: E402
from bench.export import copy_floor  # noqa: E402
from bench.seed import ensure_heavy_profile, seed  # noqa: E402
from portal.views import _search  # noqa: E402
from programmes.models import Enrolment, Programme  # noqa: E402
from users.models import Group, User  # noqa: E402

LEARNERS = 100_000
SEED = 42
PER_PAGE = 25
PAGE_TARGET_MS = 100.0
PROFILE_TARGET_MS = 80.0
EXPORT_TARGET_ROWS_PER_S = 50_000
EXPORT_ROWS = 100_000
VIEWERS = ("supervisor@example.org", "tutor@example.org")
ANALYZED_TABLES = ["users_user", "users_user_groups", "users_group", "programmes_enrolment"]
ILR_BENCH_GROUP = "ILR bench"


@dataclass
class Case:
    name: str
    url: str
    # The Users page query string, for the result count and the floor; None for other pages.
    params: dict | None = None
    # Words for the admin changelist's search (name searches only).
    admin_q: str | None = None
    target_ms: float = PAGE_TARGET_MS


@dataclass
class Result:
    case: Case
    viewer: str
    times_ms: list[float]
    queries: list[dict]
    count: int | None = None
    floor_ms: float | None = None
    same_rows: bool | None = None
    admin_ms: float | None = None
    note: str = ""
    target_ms: float | None = None
    measured: float | None = field(default=None)

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.times_ms)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]

    @property
    def db_ms(self) -> float | None:
        if any("time" not in q for q in self.queries):
            return None  # the export: its queries were counted in another process
        return sum(float(q["time"]) for q in self.queries) * 1000

    @property
    def met(self) -> bool:
        return self.median <= self.case.target_ms


def print_memory_settings() -> None:
    """PostgreSQL's cache against the users table: a broad trigram search ("smith") visits
    20,000 rows spread over as many heap blocks, so its time depends on whether those blocks
    are in shared_buffers or must be copied in from the operating system's cache (README,
    Production: PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('shared_buffers'), current_setting('work_mem'), "
            "pg_size_pretty(pg_relation_size('users_user')), "
            "pg_relation_size('users_user') > pg_size_bytes(current_setting('shared_buffers'))"
        )
        shared_buffers, work_mem, table, larger = cursor.fetchone()
    print(f"shared_buffers {shared_buffers}, work_mem {work_mem}; users table {table}")
    if larger:
        print(
            "Warning: the users table is larger than shared_buffers, so broad name searches "
            "read their blocks from the operating system (README, Production: PostgreSQL)."
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=LEARNERS, help="learners to seed")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per case (at most)")
    parser.add_argument("--budget", type=float, default=10.0, help="seconds per case, viewer")
    parser.add_argument("--explain", action="store_true", help="print SQL and EXPLAIN ANALYZE")
    parser.add_argument("--no-full-export", action="store_true", help="skip the whole export")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()

    print(f"Database: {connection.vendor} ({connection.settings_dict['NAME']})")
    if connection.vendor != "postgresql":
        print("Warning: the targets are about PostgreSQL; set DATABASE_URL=postgres://...")
    if not ensure_data(args.learners):
        return 2
    analyze()
    if connection.vendor == "postgresql":
        print_memory_settings()

    settings.DEBUG = False
    # WhiteNoise warns that collectstatic has not run; the benchmark serves no static files.
    warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers")
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    started = time.perf_counter()
    results = []
    for email in VIEWERS:
        viewer = User.objects.get(email=email)
        client = Client()
        client.force_login(viewer)
        for case in build_cases(viewer):
            result = measure(client, viewer, case, args)
            results.append(result)
            if args.explain:
                explain(result)
    results += measure_exports(args)
    print_table(results, args)
    print(f"\nBenchmark time (after seeding): {time.perf_counter() - started:.0f} s")
    missed = [r for r in results if not r.met]
    return 1 if missed and args.check else 0


def bench_learners():
    """Learners of the seed, without those bench/ilr_export.py adds in its own group."""
    learners = User.objects.filter(user_type=User.Type.LEARNER)
    ilr_group = Group.objects.filter(depth=1, name=ILR_BENCH_GROUP).first()
    if ilr_group is not None:
        learners = learners.exclude(groups__path__startswith=ilr_group.path)
    return learners


def ensure_data(wanted: int) -> bool:
    learners = bench_learners().count()
    if learners == wanted:
        print(f"Reusing the {learners} learners already in the database.")
    elif User.objects.exists():
        print(
            f"The database holds {learners} learners, not the {wanted} asked for (LEARNERS="
            f"{wanted}). Point DATABASE_URL at an empty database (or drop and create this one, "
            "then migrate) to seed it, or ask for the number it holds.",
            file=sys.stderr,
        )
        return False
    else:
        print(f"Seeding {wanted} learners (bench/seed.py, seed {SEED}) ...")
        started = time.perf_counter()
        seed(wanted, SEED, log=lambda line: print(line, flush=True))
        print(f"Seed time: {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    ensure_heavy_profile(heavy_learner())
    print(f"Heavy profile learner ready: {time.perf_counter() - started:.1f} s")
    return True


def heavy_learner() -> User:
    """The learner whose profile is measured: visible to both viewers (North region), chosen
    the same way on every run so a reused database already holds their 1,000 rows."""
    north = Group.objects.get(depth=2, name="North")
    return (
        User.objects.filter(
            user_type=User.Type.LEARNER,
            subscription_status=User.Status.FULL_USER,
            groups__path__startswith=north.path,
        )
        .order_by("pk")
        .first()
    )


def analyze() -> None:
    """Fresh planner statistics (and a vacuumed visibility map after the bulk inserts)."""
    if connection.vendor != "postgresql":
        return
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for table in ANALYZED_TABLES:
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(table)}")
    print(f"VACUUM ANALYZE {', '.join(ANALYZED_TABLES)}: {time.perf_counter() - started:.1f} s")


def build_cases(viewer: User) -> list[Case]:
    learners = User.objects.filter(user_type=User.Type.LEARNER)
    north = Group.objects.get(depth=2, name="North")
    north_learners = learners.filter(groups__path__startswith=north.path).filter(
        subscription_status__in=User.DEFAULT_LIST_STATUSES
    )
    # Visible to both viewers and listed by default: a learner in the North region.
    sample = north_learners.filter(ni_number__gt="").order_by("-pk").first()
    pair = (
        north_learners.values("first_name", "last_name")
        .annotate(n=Count("pk"))
        .order_by("-n", "last_name", "first_name")[0]
    )
    ni = sample.ni_number.lower()
    programme = (
        Enrolment.objects.filter(is_current=True)
        .values("programme")
        .annotate(n=Count("pk"))
        .order_by("-n", "programme")[0]["programme"]
    )
    two_words = f"{pair['last_name']} {pair['first_name']}".lower()

    def listing(label: str, admin_q: str | None = None, **params) -> Case:
        query = "&".join(f"{k}={v}" for k, v in params.items()).replace(" ", "+")
        return Case(label, f"/users/?{query}" if query else "/users/", params, admin_q)

    broad = count(viewer, {})
    last_page = max(1, math.ceil(broad / PER_PAGE))
    heavy = heavy_learner()
    cases = [
        listing("default page, no filters"),
        listing('part of a surname ("smith")', "smith", name="smith"),
        listing('very common fragment ("an")', "an", name="an"),
        listing("group subtree (North)", groups=north.pk),
        listing("programme + programme status", programme=programme, programme_status="ACTIVE"),
        listing("sort by programme", sort="programme"),
        listing(f"last page of the default list (of {last_page} pages)", page="last"),
        listing("NI number (spaces, lower case)", ni_number=_spaced(ni)),
        listing("reference number", reference_number=sample.reference_number.lower()),
        listing("two words, reversed", two_words, name=two_words),
        Case(
            "profile, 1,000 rows per section",
            f"/users/{heavy.pk}/",
            target_ms=PROFILE_TARGET_MS,
        ),
    ]
    if viewer.email == VIEWERS[0]:
        print(f"\nCases (programme {Programme.objects.get(pk=programme).name!r}):")
        for c in cases:
            print(f"  {c.name:<44} {c.url}")
    return cases


def _spaced(ni: str) -> str:
    return f"{ni[:2]} {ni[2:4]} {ni[4:6]} {ni[6:8]} {ni[8:]}".strip()


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def repeat(fn: Callable[[], object], args) -> list[float]:
    """Warm up, then up to ``args.runs`` timings within ``args.budget`` seconds."""
    first = timed(fn)
    if first < 1000:
        timed(fn)
    times: list[float] = []
    spent = 0.0
    while len(times) < args.runs and (not times or spent < args.budget * 1000):
        times.append(timed(fn))
        spent += times[-1]
    return times


def measure(client: Client, viewer: User, case: Case, args) -> Result:
    def get():
        check(client.get(case.url), case)

    get()
    # Queries logged earlier (while seeding with DEBUG on) would hide this request's queries.
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(case.url)
        check(response, case)
    # A snapshot: captured_queries reads the connection's log, which the next request clears.
    queries = list(captured.captured_queries)
    times = repeat(get, args)
    result = Result(case, viewer.email, times, queries)
    if case.params is not None:
        result.count = count(viewer, case.params)
        page_ids = listed_ids(viewer, case.params)
        sql, params = floor_sql(viewer, case.params)
        floor_times = repeat(lambda: run_sql(sql, params), args)
        result.floor_ms = statistics.median(floor_times)
        rows = [row[0] for row in run_sql(sql, params)]
        if case.params.get("page"):
            rows.reverse()
        result.same_rows = rows == page_ids
    else:
        # A page with no single hand-written query (the profile): its own SELECTs replayed
        # through the connection, i.e. its database time without Django and the template.
        selects = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("SELECT")]
        floor_times = repeat(lambda: [run_sql(sql, None) for sql in selects], args)
        result.floor_ms = statistics.median(floor_times)
    if case.admin_q and viewer.is_staff:
        url = f"/admin/users/user/?q={case.admin_q.replace(' ', '+')}"
        admin_times = repeat(lambda: check(client.get(url), case), args)
        result.admin_ms = statistics.median(admin_times)
    return result


def check(response, case: Case) -> None:
    if response.status_code != 200:
        raise SystemExit(f"{case.url} answered {response.status_code}, not 200")


def count(viewer: User, params: dict) -> int | None:
    """How many users the list page found, through the view's own search code."""
    request = RequestFactory().get("/users/", params)
    request.user = viewer
    user_filter, _sort = _search(request)
    return user_filter.qs.count() if user_filter.is_valid() else None


def listed_ids(viewer: User, params: dict) -> list[int]:
    """The ids of the users the page lists, through the view's own search and pagination (the
    test client records no template context outside tests)."""
    request = RequestFactory().get("/users/", params)
    request.user = viewer
    user_filter, sort = _search(request)
    user_filter.is_valid()
    page = paginate_capped(
        user_filter.sorted(sort),
        QueryDict(urlencode(params)),
        PER_PAGE,
        keys=user_filter.order_keys(sort),
        collects_all=user_filter.searches_by_trigram(sort),
    )
    return [user.pk for user in page.object_list]


def run_sql(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def floor_sql(viewer: User, params: dict) -> tuple[str, list]:
    """The best hand-written query for the page's rows: what the page lists, in its order,
    for this viewer's scope; the last page is the first page of the reverse order."""
    where, args = _scope(viewer)
    from_ = "users_user u"
    order = ["u.last_name", "u.first_name", "u.id"]
    if name := params.get("name"):
        if any(len(word) >= 3 for word in name.split()):
            # As the page does (UserFilter.sorted): sorting by an expression keeps PostgreSQL
            # on the trigram index instead of walking the name index for 25 matches, which
            # takes seconds at a million learners. A shorter word has no trigram: the name
            # index is walked and filtered.
            order = ["u.last_name || ''", "u.first_name || ''", "u.id"]
        for word in name.split():
            where.append("u.search_name LIKE %s")
            args.append(f"%{word}%")
    if group := params.get("groups"):
        node = Group.objects.get(pk=group)
        ids = [int(group), *(g.pk for g in Group.objects.get_descendants(node))]
        where.append(
            "EXISTS (SELECT 1 FROM users_user_groups m WHERE m.user_id = u.id "
            f"AND m.group_id IN ({', '.join(map(str, ids))}))"
        )
    if programme := params.get("programme"):
        # The current programme kept on the user row (programmes/current.py).
        where.append("u.current_programme_id = %s AND u.current_programme_status = %s")
        args += [int(programme), params["programme_status"]]
    if ni := params.get("ni_number"):
        where.append("u.ni_number LIKE %s")
        args.append(ni.replace(" ", "").upper() + "%")
    if ref := params.get("reference_number"):
        where.append("UPPER(u.reference_number) LIKE %s")
        args.append(ref.upper() + "%")
    if params.get("sort") == "programme":
        order = ["u.current_programme_name", "u.current_programme_status", "u.id"]
    # NULLs after every value ascending, before them descending: the page's keyset order
    # (aptem.pagination.keyset_ordering), which is PostgreSQL's default.
    if params.get("page"):
        order = [f"{column} DESC NULLS FIRST" for column in order]
    else:
        order = [f"{column} NULLS LAST" for column in order]
    sql = (
        f"SELECT u.id, u.first_name, u.last_name, u.email, u.user_type, u.subscription_status, "
        f"u.reference_number FROM {from_} WHERE {' AND '.join(where)} "
        f"ORDER BY {', '.join(order)} LIMIT {PER_PAGE}"
    )
    if params.get("page") and count(viewer, {}) <= settings.LIST_COUNT_CAP:
        # A result small enough for numbered pages: the last one holds the remainder.
        remainder = count(viewer, {}) % PER_PAGE or PER_PAGE
        sql = sql.replace(f"LIMIT {PER_PAGE}", f"LIMIT {remainder}")
    return sql, args


def _scope(viewer: User) -> tuple[list[str], list]:
    statuses = ", ".join(f"'{s}'" for s in User.DEFAULT_LIST_STATUSES)
    where = [f"u.subscription_status IN ({statuses})"]
    if not viewer.has_perm("users.supervise_admins"):
        where.append("u.user_type <> 'ADMINISTRATOR'")
    if not viewer.has_perm("users.view_all_groups"):
        ids = ", ".join(str(g.pk) for g in viewer.visible_groups())
        where.append(
            "EXISTS (SELECT 1 FROM users_user_groups m WHERE m.user_id = u.id "
            f"AND m.group_id IN ({ids}))"
        )
    return where, []


def explain(result: Result) -> None:
    print(f"\n--- {result.case.name} as {result.viewer}: {len(result.queries)} queries")
    for i, query in enumerate(result.queries, 1):
        print(f"[{i}] {float(query['time']) * 1000:.1f} ms  {query['sql']}")
    if connection.vendor != "postgresql" or not result.queries:
        return
    slowest = max(result.queries, key=lambda q: float(q["time"]))
    print(f"EXPLAIN ANALYZE of the slowest ({float(slowest['time']) * 1000:.1f} ms):")
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + slowest["sql"])
        for (line,) in cursor.fetchall():
            print("    " + line)


def measure_exports(args) -> list[Result]:
    """The Users CSV export by bench/export.py, in a subprocess per measurement: the streamed
    response and the background task's file, for 100,000 rows and (at a million learners) the
    whole default list."""
    total = count(User.objects.get(email=VIEWERS[0]), {})
    sizes = [min(EXPORT_ROWS, total)]
    if total > EXPORT_ROWS and args.learners >= 1_000_000 and not args.no_full_export:
        sizes.append(total)
    results = []
    for rows in sizes:
        floor_ms = copy_floor(rows) * 1000
        for path in ("response", "task"):
            child = subprocess.run(
                [
                    sys.executable,
                    str(Path(__file__).with_name("export.py")),
                    "--child",
                    f"{path}:{rows}",
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            figures = json.loads(child.stdout.strip().splitlines()[-1])
            case = Case(f"Users CSV export ({path}), {rows:,} rows", "/users/export.csv")
            case.target_ms = rows / EXPORT_TARGET_ROWS_PER_S * 1000
            result = Result(
                case, VIEWERS[0], [figures["seconds"] * 1000], [{}] * figures["queries"]
            )
            result.count = figures["rows"]
            result.floor_ms = floor_ms
            result.note = (
                f"{figures['rows'] / figures['seconds']:,.0f} rows/s, peak RSS "
                f"{figures['peak_rss_mb']:.0f} MB ({figures['start_rss_mb']:.0f} MB before)"
            )
            results.append(result)
    return results


def print_table(results: list[Result], args) -> None:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"\nServer time per request: median and p95 of up to {args.runs} runs (n) after warm-up, "
        f"at most {args.budget:.0f} s per case (CONN_MAX_AGE="
        f"{settings.DATABASES['default']['CONN_MAX_AGE']}, load average {load}; other work on "
        "the machine inflates these).\nqueries and db ms: the captured request. floor: the best "
        "hand-written SQL for the same rows (COPY for the export; the page's own SELECTs "
        "replayed for the profile); same: it returned the page's "
        "rows.\nadmin: the Django admin changelist's search (supervisor only; target 500 ms). "
        "Targets: page 100 ms, profile 80 ms, export 50,000 rows/s.\n"
    )
    header = (
        f"{'case':<44} {'viewer':<10} {'n':>2} {'median':>9} {'p95':>9} {'queries':>7} "
        f"{'db ms':>8} {'floor':>8} {'x floor':>7} {'same':>4} {'admin':>8} {'x page':>6} "
        f"{'results':>8} {'target':>6}  note"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        floor = "-" if r.floor_ms is None else f"{r.floor_ms:.1f}"
        ratio = "-" if not r.floor_ms else f"{r.median / r.floor_ms:.1f}"
        same = "-" if r.same_rows is None else ("yes" if r.same_rows else "NO")
        admin = "-" if r.admin_ms is None else f"{r.admin_ms:.0f}"
        admin_ratio = "-" if r.admin_ms is None else f"{r.admin_ms / r.median:.1f}"
        results_count = "-" if r.count is None else str(r.count)
        db = "-" if r.db_ms is None else f"{r.db_ms:.1f}"
        print(
            f"{r.case.name:<44} {r.viewer.split('@')[0]:<10} {len(r.times_ms):>2} "
            f"{r.median:>9.1f} {r.p95:>9.1f} {len(r.queries):>7} {db:>8} {floor:>8} "
            f"{ratio:>7} {same:>4} {admin:>8} {admin_ratio:>6} {results_count:>8} "
            f"{'met' if r.met else 'MISSED':>6}  {r.note}"
        )


if __name__ == "__main__":
    sys.exit(main())
