"""Load table: requests a second, median and p95 latency and errors under concurrent clients.

Run by ``make bench`` after ``bench/search.py`` (which seeds the database), or alone::

    DATABASE_URL=postgres://portal:...@127.0.0.1:5432/portal_bench .venv/bin/python bench/load.py

For each database connection setting (today's ``DATABASE_CONN_MAX_AGE=0``, persistent
connections, psycopg's pool) it starts gunicorn with ``--workers`` sync workers (default 2) on a
free port of 127.0.0.1 against the same database, production-like (``DJANGO_DEBUG=false``,
static files collected once into a temporary folder), and for each case runs ``--clients``
threads (default 8) for ``--seconds`` (default 8) each, every thread reusing one
``http.client`` connection (gunicorn's sync workers close it after each answer; http.client
opens the next one itself). The cases take turns in ``--rounds`` slices (default 4), so other
work on a shared machine, which comes and goes, weighs on each case alike and their ratio
stays fair; a case's rate is its answers over the time until its last answer. Every request is
signed in with the session cookie of a session made through Django's test client for the
viewer (``--viewer``, default the demo supervisor).

Cases: a trivial signed-in page (``/``, which redirects an administrator to the Users page:
session, user and nothing else), the profile of the bench's heavy learner (bench/search.py
gives them 1,000 rows in every section), a selective name search (that learner's surname and
first name) and "smith", each search both as a whole page and as the results alone that htmx
asks for (``HX-Request``: what the search panel fetches as you search, without the page
around them). A case's errors are answers other than the one expected (200, or the 302 of the
trivial page) and failed connections.

Target (issue 13): with the pool, the selective name search (the whole page) serves at least
25 % of the trivial page's requests a second, with no error. Loopback only; the whole run is
bounded by settings x cases x seconds (about three minutes with the defaults) plus gunicorn's
start-ups.
"""

import argparse
import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aptem.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from users.models import Group, User  # noqa: E402

HOST = "127.0.0.1"
# Each setting's extra environment for gunicorn; the bench's own DATABASE_* are replaced.
SETTINGS = {
    "CONN_MAX_AGE=0 (today)": {"DATABASE_CONN_MAX_AGE": "0"},
    "persistent (CONN_MAX_AGE=600)": {"DATABASE_CONN_MAX_AGE": "600"},
    "pool (DATABASE_POOL_MAX_SIZE=2)": {"DATABASE_POOL_MAX_SIZE": "2"},
}
TRIVIAL = "trivial page (/ signed in)"
SELECTIVE = "selective name search"
SEARCH_SHARE_TARGET = 0.25
# What htmx sends when the search panel asks for the results alone.
HTMX = {"HX-Request": "true"}


@dataclass
class Case:
    name: str
    path: str
    expect: int = 200
    # For a redirect: where it must go (a signed-out request is sent to the sign-in page).
    location: str = ""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Outcome:
    setting: str
    case: Case
    seconds: float
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str = ""

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, share: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def profile_learner() -> User:
    """The heavy learner of bench/search.py (chosen by the same rule, so a database that bench
    has prepared already holds their 1,000 rows a section): the first full user in North."""
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


def session_cookie(viewer: User) -> str:
    client = Client()
    client.force_login(viewer)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def build_cases() -> list[Case]:
    learner = profile_learner()
    name = urllib.parse.quote_plus(f"{learner.last_name} {learner.first_name}".lower())
    return [
        Case(TRIVIAL, "/", expect=302, location="/users/"),
        Case("profile, 1,000 rows per section", f"/users/{learner.pk}/"),
        Case(SELECTIVE, f"/users/?name={name}"),
        Case(f"{SELECTIVE}, htmx", f"/users/?name={name}", headers=HTMX),
        Case('name search "smith"', "/users/?name=smith"),
        Case('name search "smith", htmx', "/users/?name=smith", headers=HTMX),
    ]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def collect_static(static_root: str) -> None:
    """DEBUG off serves static files through WhiteNoise's manifest, which must exist."""
    env = {**os.environ, "DJANGO_DEBUG": "false", **production_env(static_root)}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def production_env(static_root: str) -> dict[str, str]:
    return {
        "DJANGO_DEBUG": "false",
        # The bench's own key: the session's auth hash, made here, is checked with it there.
        "DJANGO_SECRET_KEY": settings.SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": HOST,
        # Plain HTTP on loopback: no redirect to HTTPS.
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_STATIC_ROOT": static_root,
    }


def start_gunicorn(port: int, workers: int, extra: dict[str, str], static_root: str):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_CONN_MAX_AGE", "DATABASE_POOL_MAX_SIZE")
    }
    env.update(production_env(static_root), **extra)
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "aptem.wsgi",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "30",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/favicon.ico")
            conn.getresponse().read()
            conn.close()
            return server
        except OSError:
            time.sleep(0.2)
    stop(server)
    raise SystemExit("gunicorn did not answer within 30 seconds")


def stop(server: subprocess.Popen) -> None:
    # Its own process group (start_new_session): the master and its workers, nothing else.
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def run_case(port: int, cookie: str, clients: int, seconds: float, outcome: Outcome) -> None:
    """Load ``outcome.case`` for ``seconds``, adding its answers and time to ``outcome``."""
    case = outcome.case
    lock = threading.Lock()
    headers = {"Cookie": cookie, "Host": HOST, "Connection": "keep-alive", **case.headers}
    began = time.monotonic()
    stop_at = began + seconds

    def client() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            try:
                conn.request("GET", case.path, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == case.expect and (
                    response.getheader("Location", "") == case.location
                )
                problem = "" if ok else f"HTTP {response.status} {response.getheader('Location')}"
            except (OSError, http.client.HTTPException) as error:
                ok, problem = False, f"{type(error).__name__}: {error}"
                conn.close()
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if ok:
                    outcome.latencies.append(elapsed)
                else:
                    outcome.errors += 1
                    outcome.first_error = outcome.first_error or problem
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # Until the last answer: requests begun before stop_at are counted, so is their time.
    outcome.seconds += time.monotonic() - began


def warm_up(port: int, cookie: str, cases: list[Case], workers: int) -> None:
    # Each worker imports the views, fills its template cache and (pooled) opens connections.
    for case in cases:
        for _ in range(workers * 2):
            conn = http.client.HTTPConnection(HOST, port, timeout=60)
            conn.request("GET", case.path, headers={"Cookie": cookie, "Host": HOST, **case.headers})
            conn.getresponse().read()
            conn.close()


def print_table(outcomes: list[Outcome], args) -> None:
    print(
        f"\nLoad: gunicorn --workers {args.workers}, {args.clients} concurrent clients, "
        f"{args.seconds:g} s per case, viewer {args.viewer}"
    )
    header = f"{'setting':<32} {'case':<32} {'req/s':>7} {'median':>8} {'p95':>8} {'errors':>6}"
    print(header)
    print("-" * len(header))
    for o in outcomes:
        print(
            f"{o.setting:<32} {o.case.name:<32} {o.rate:>7.1f} {o.percentile(0.5):>6.0f}ms "
            f"{o.percentile(0.95):>6.0f}ms {o.errors:>6}"
        )
        if o.first_error:
            print(f"    first error: {o.first_error}")


def check_target(outcomes: list[Outcome]) -> bool:
    """The issue's target, for each setting that keeps connections (today's is the baseline)."""
    met = True
    for setting in SETTINGS:
        rows = {o.case.name: o for o in outcomes if o.setting == setting}
        if TRIVIAL not in rows or SELECTIVE not in rows:
            continue
        share = rows[SELECTIVE].rate / rows[TRIVIAL].rate if rows[TRIVIAL].rate else 0.0
        errors = sum(o.errors for o in rows.values())
        ok = share >= SEARCH_SHARE_TARGET and errors == 0
        if setting != next(iter(SETTINGS)):
            met = met and ok
        print(
            f"{setting}: name search at {share:.0%} of the trivial page's throughput "
            f"(target {SEARCH_SHARE_TARGET:.0%}), {errors} errors: {'met' if ok else 'MISSED'}"
        )
        results_alone = rows.get(f"{SELECTIVE}, htmx")
        if results_alone and rows[TRIVIAL].rate:
            print(f"    its results alone (htmx): {results_alone.rate / rows[TRIVIAL].rate:.0%}")
    return met


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="per case and setting")
    parser.add_argument(
        "--rounds", type=int, default=4, help="slices each case's seconds are taken in, in turn"
    )
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--viewer", default="supervisor@example.org")
    parser.add_argument(
        "--settings",
        nargs="*",
        choices=range(len(SETTINGS)),
        type=int,
        default=None,
        help="indexes into the settings (0: today, 1: persistent, 2: pool); default all",
    )
    parser.add_argument("--check", action="store_true", help="exit 1 when the target is missed")
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        print("bench/load.py: skipped (it measures PostgreSQL connections; set DATABASE_URL).")
        return
    viewer = User.objects.get(email=args.viewer)
    cases = build_cases()
    cookie = session_cookie(viewer)
    chosen = list(SETTINGS.items())
    if args.settings is not None:
        chosen = [chosen[i] for i in args.settings]
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="portal-bench-static-") as static_root:
        collect_static(static_root)
        for setting, extra in chosen:
            port = free_port()
            server = start_gunicorn(port, args.workers, extra, static_root)
            try:
                warm_up(port, cookie, cases, args.workers)
                measured = [Outcome(setting, case, seconds=0.0) for case in cases]
                # The cases take turns, --rounds slices each, so a change in the machine's
                # other work weighs on every case alike, not on whichever ran at the time.
                for _ in range(args.rounds):
                    for outcome in measured:
                        run_case(port, cookie, args.clients, args.seconds / args.rounds, outcome)
                for outcome in measured:
                    print(f"  {setting}: {outcome.case.name}: {outcome.rate:.1f} req/s", flush=True)
                outcomes += measured
            finally:
                stop(server)
    print_table(outcomes, args)
    met = check_target(outcomes)
    if args.check and not met:
        sys.exit(1)


if __name__ == "__main__":
    main()
