"""Users search benchmark: 100,000 learners, the real views, server-side timings and query counts.

Run it with ``make bench`` (which migrates first) against PostgreSQL::

    DATABASE_URL=postgres://portal:...@127.0.0.1:5432/portal_bench make bench

An empty database is seeded with ``seed_demo --learners 100000 --seed 42`` (the seed time is
printed); a database that already holds 100,000 learners is reused; anything in between is
refused, because the figures would not be comparable. Each scenario is requested through
``django.test.Client`` as the demo supervisor (sees every group) and the demo tutor (sees the
North region): 2 warm-up requests, then 20 timed ones. One more request per scenario is made
under ``CaptureQueriesContext`` to count the queries (session, user, permissions and the page's
own); the timed requests run without capturing, so capturing costs them nothing.

The target (the Users search issue): with 100,000 learners on PostgreSQL a partial-name search
with the default filters returns its first page in at most 100 ms of server time (median of 20
runs) in at most 10 queries.

Options: ``--runs N`` (default 20), ``--explain`` (print each scenario's captured SQL with its
time, and EXPLAIN ANALYZE of its slowest query), ``--check`` (exit 1 when the target is missed).
"""

import argparse
import os
import statistics
import sys
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aptem.settings")

import django

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from portal.views import _search  # noqa: E402
from programmes.models import Enrolment, Programme  # noqa: E402
from users.models import Group, User  # noqa: E402

LEARNERS = 100_000
SEED = 42
WARM_UP = 2
TARGET_MS = 100.0
TARGET_QUERIES = 10
TARGET_SCENARIO = "name search (partial surname)"
VIEWERS = ("supervisor@example.org", "tutor@example.org")
ANALYZED_TABLES = ["users_user", "users_user_groups", "users_group", "programmes_enrolment"]


@dataclass
class Scenario:
    name: str
    url: str
    # The query string the list page filters on, for the result count; None for a detail page.
    params: dict | None


@dataclass
class Result:
    scenario: Scenario
    viewer: str
    times_ms: list[float]
    queries: list[dict]
    count: int | None

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.times_ms)
        return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="timed runs per scenario")
    parser.add_argument("--explain", action="store_true", help="print SQL and EXPLAIN ANALYZE")
    parser.add_argument("--check", action="store_true", help="exit 1 when the target is missed")
    args = parser.parse_args()

    print(f"Database: {connection.vendor} ({connection.settings_dict['NAME']})")
    if connection.vendor != "postgresql":
        print("Warning: the target is about PostgreSQL; set DATABASE_URL=postgres://...")
    if not ensure_data():
        return 2
    analyze()

    settings.DEBUG = False
    # WhiteNoise warns that collectstatic has not run; the benchmark serves no static files.
    warnings.filterwarnings("ignore", message="No directory at", module="django.core.handlers")
    if "testserver" not in settings.ALLOWED_HOSTS:
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]

    scenarios = build_scenarios()
    results = []
    for email in VIEWERS:
        viewer = User.objects.get(email=email)
        client = Client()
        client.force_login(viewer)
        for scenario in scenarios:
            results.append(measure(client, viewer, scenario, args.runs))
            if args.explain:
                explain(results[-1])

    print_table(results, args.runs)
    return 0 if target_met(results) or not args.check else 1


def ensure_data() -> bool:
    learners = User.objects.filter(user_type=User.Type.LEARNER).count()
    if learners >= LEARNERS:
        print(f"Reusing the {learners} learners already in the database.")
        return True
    if User.objects.exists():
        print(
            f"The database has users but only {learners} learners (the benchmark needs "
            f"{LEARNERS}). Point DATABASE_URL at a fresh, empty database and run it again.",
            file=sys.stderr,
        )
        return False
    print(f"Seeding {LEARNERS} learners (seed_demo --learners {LEARNERS} --seed {SEED}) ...")
    started = time.perf_counter()
    call_command("seed_demo", learners=LEARNERS, seed=SEED)
    print(f"Seed time: {time.perf_counter() - started:.1f} s")
    return True


def analyze() -> None:
    """Fresh planner statistics (and a vacuumed visibility map after the bulk inserts)."""
    if connection.vendor != "postgresql":
        return
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for table in ANALYZED_TABLES:
            cursor.execute(f"VACUUM ANALYZE {connection.ops.quote_name(table)}")
    print(f"VACUUM ANALYZE {', '.join(ANALYZED_TABLES)}: {time.perf_counter() - started:.1f} s")


def build_scenarios() -> list[Scenario]:
    learners = User.objects.filter(user_type=User.Type.LEARNER)
    north = Group.objects.get(depth=2, name="North")
    north_learners = learners.filter(groups__path__startswith=north.path).exclude(
        subscription_status=User.Status.ARCHIVED
    )
    # Visible to both viewers: a learner in the North region.
    sample = north_learners.filter(ni_number__gt="").order_by("pk").first()
    common_surname = (
        learners.values("last_name").annotate(n=Count("pk")).order_by("-n", "last_name")[0]
    )["last_name"]
    pair = (
        north_learners.filter(subscription_status__in=User.DEFAULT_LIST_STATUSES)
        .values("first_name", "last_name")
        .annotate(n=Count("pk"))
        .order_by("-n", "last_name", "first_name")[0]
    )
    ni = sample.ni_number.lower()
    ni_typed = f"{ni[:2]} {ni[2:4]} {ni[4:6]} {ni[6:8]} {ni[8:]}".strip()
    programme = (
        Enrolment.objects.filter(is_current=True)
        .values("programme")
        .annotate(n=Count("pk"))
        .order_by("-n", "programme")[0]["programme"]
    )
    programme_name = Programme.objects.get(pk=programme).name

    def listing(label: str, **params) -> Scenario:
        query = "&".join(f"{k}={v}" for k, v in params.items()).replace(" ", "+")
        return Scenario(label, f"/users/?{query}" if query else "/users/", params)

    scenarios = [
        Scenario(f"baseline: profile /users/{sample.pk}/", f"/users/{sample.pk}/", None),
        listing("default list (no filters)"),
        listing(TARGET_SCENARIO, name=common_surname[:4].lower()),
        listing(
            "two-word name, reverse order",
            name=f"{pair['last_name']} {pair['first_name']}".lower(),
        ),
        listing("NI number (spaces, lower case)", ni_number=ni_typed),
        listing("group subtree (North region)", groups=north.pk),
        listing("status FULL_USER + programme", status="FULL_USER", programme=programme),
    ]
    print("\nScenarios:")
    for s in scenarios:
        print(f"  {s.name:<36} {s.url}")
    print(
        f"  (common surname {common_surname!r}; name pair {pair['first_name']} "
        f"{pair['last_name']} x{pair['n']}; programme {programme_name!r})"
    )
    return scenarios


def measure(client: Client, viewer: User, scenario: Scenario, runs: int) -> Result:
    for _ in range(WARM_UP):
        check(client.get(scenario.url), scenario)
    # Queries logged earlier (while seeding with DEBUG on) would hide this request's queries.
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        check(client.get(scenario.url), scenario)
    # A snapshot: captured_queries reads the connection's log, which the next request clears.
    queries = list(captured.captured_queries)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(scenario.url)
        times.append((time.perf_counter() - started) * 1000)
        check(response, scenario)
    return Result(scenario, viewer.email, times, queries, count(viewer, scenario))


def check(response, scenario: Scenario) -> None:
    if response.status_code != 200:
        raise SystemExit(f"{scenario.url} answered {response.status_code}, not 200")


def count(viewer: User, scenario: Scenario) -> int | None:
    """How many users the list page found, through the view's own search code."""
    if scenario.params is None:
        return None
    request = RequestFactory().get("/users/", scenario.params)
    request.user = viewer
    user_filter, _sort = _search(request)
    return user_filter.qs.count() if user_filter.is_valid() else None


def explain(result: Result) -> None:
    print(f"\n--- {result.scenario.name} as {result.viewer}: {len(result.queries)} queries")
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


def print_table(results: list[Result], runs: int) -> None:
    baseline = {r.viewer: r.median for r in results if r.scenario.params is None}
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"\nServer time per request, {runs} runs after {WARM_UP} warm-up runs "
        f"(CONN_MAX_AGE={settings.DATABASES['default']['CONN_MAX_AGE']}, "
        f"load average {load}; other work on the machine inflates these):\n"
    )
    header = (
        f"{'scenario':<36} {'viewer':<23} {'median ms':>9} {'p95 ms':>8} "
        f"{'queries':>7} {'results':>7} {'x baseline':>10}"
    )
    print(header)
    print("-" * len(header))
    for r in results:
        shown = "-" if r.count is None else str(r.count)
        name = "baseline: profile" if r.scenario.params is None else r.scenario.name
        print(
            f"{name:<36} {r.viewer:<23} {r.median:>9.1f} {r.p95:>8.1f} "
            f"{len(r.queries):>7} {shown:>7} {r.median / baseline[r.viewer]:>10.2f}"
        )


def target_met(results: list[Result]) -> bool:
    print(
        f"\nTarget: '{TARGET_SCENARIO}' median <= {TARGET_MS:.0f} ms in <= {TARGET_QUERIES} "
        "queries, for every viewer:"
    )
    met = True
    for r in results:
        if r.scenario.name != TARGET_SCENARIO:
            continue
        ok = r.median <= TARGET_MS and len(r.queries) <= TARGET_QUERIES
        met = met and ok
        print(
            f"  {r.viewer:<23} {r.median:.1f} ms, {len(r.queries)} queries: "
            f"{'met' if ok else 'MISSED'}"
        )
    return met


if __name__ == "__main__":
    sys.exit(main())
