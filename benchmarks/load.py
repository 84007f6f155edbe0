"""Effekt under load: the generated large municipality on PostgreSQL behind gunicorn, measured with wrk.

    .venv/bin/python benchmarks/load.py [--duration 10] [--connections 1,50] [--workers N]
                                        [--cache off,on,writes,deadline] [--write-rate 1]
                                        [--people 2000]
                                        [--regenerate] [--redis-url URL]
                                        [--output docs/benchmark-results.md]

1. Creates the database (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/effekt_bench)
   if it is missing, migrates it, and generates the municipality (`generate_municipality`) unless
   it is already there (`--regenerate` drops and recreates the database first).
2. Collects the static files and starts gunicorn with the production settings (a random
   SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, SECURE_SSL_REDIRECT=false; every request says
   `X-Forwarded-Proto: https`, as a TLS-terminating load balancer would, and accepts gzip, as
   every browser does), 2 × cores + 1 workers, the page cache's data version in Redis
   (REDIS_URL, `--redis-url`; "" keeps it in PostgreSQL), 5,000 pages kept in each worker's
   memory (`EFFEKT_PAGE_CACHE_ENTRIES`, as docs/deployment.md advises for thousands of people).
3. Signs in an executive-office user and an organisation editor (sessions created directly) and
   gives the office an API token; checks that every page answers 200 to them (not a redirect to
   the sign-in page).
4. Runs wrk (Debian package `wrk`) against every main page at each number of concurrent
   connections, and the same for `/health/live`, a view that does no work: the framework's
   ceiling on this machine, measured once more just before each page at the top level: a page's
   share is of that (a shared machine's speed drifts within a run). Any response other than 200
   is counted and shown.
   All of it four times (`--cache off,on,writes,deadline`), each with its own gunicorn: with the
   page cache off (`EFFEKT_PAGE_CACHE=0`: every request makes its page, as the first request
   after a write does), on (every worker has the page already: what repeated reads cost between
   writes), on while editors save reports `--write-rate` times a second (each save the next
   board's or unit's draft, in turn), and the same with
   the signed-in requests coming from `--people` of the generated users in turn, each signed in
   once (a board's pages from those among them who may read its drafts): the reporting
   deadline. Each is served the page made for those who answer like them (their rights as far
   as the page asks about them), made anew after a save that wrote rows it read (a table, or
   one report's rows where the page says which reports' rows it reads); the
   public pages and the API client stay one visitor each.
5. Stops gunicorn and times the compilation as PDF and Word for the whole municipality.

Prints a table and writes it as Markdown, with the machine, the versions and the data counts.
Figures, never asserts: the targets (p95 ≤ 50 ms at 50 connections, ≥ 50 % of the trivial view's
throughput, compilation PDF ≤ 5 s) are marked met or not.
"""

from __future__ import annotations

import argparse
import itertools
import os
import platform
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/effekt_bench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/14"
# pages kept in each worker's memory, as docs/deployment.md advises for thousands of signed-in
# people: the start pages of the generated municipality's 700 sets of rights do not fit in 500
PAGES_KEPT = os.environ.get("EFFEKT_PAGE_CACHE_ENTRIES", "5000")
LUA = Path(__file__).with_name("wrk_report.lua")
P95_TARGET_MS, SHARE_TARGET, PDF_TARGET_S = 50.0, 0.5, 5.0
TRIVIAL = "trivial view (/health/live)"


@dataclass
class Page:
    name: str
    path: str
    who: str  # "office", "editor", "auditor" (reads everything), "api" (the office's token), "public"
    results: dict = field(default_factory=dict)  # (cache "off"/"on", connections) -> Result
    not_stored: bool = False  # with the cache on, the page was never served from it
    # cache mode -> the trivial view's req/s at the top level, measured just before the page's
    baseline: dict = field(default_factory=dict)


@dataclass
class Result:
    requests: int
    rps: float
    p50: float
    p95: float
    p99: float
    not_ok: int


def arguments():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE))
    parser.add_argument("--regenerate", action="store_true", help="drop and generate anew")
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("REDIS_URL", DEFAULT_REDIS),
        help='the shared Redis holding the data version ("" for the database)',
    )
    parser.add_argument("--scale", type=float, default=1.0, help="of the generated municipality")
    parser.add_argument("--duration", type=int, default=10, help="seconds per page and level")
    parser.add_argument("--connections", default="1,50", help="comma separated")
    parser.add_argument(
        "--cache",
        default="off,on,writes,deadline",
        help="the runs: off (no page cache), on, writes (on, while editors save reports), "
        "deadline (writes, the signed-in requests from --people people)",
    )
    parser.add_argument(
        "--people", type=int, default=2000, help="signed-in people in the deadline run"
    )
    parser.add_argument(
        "--first-requests",
        type=int,
        default=0,
        help="start pages each of them asks for before the measuring (default: one per worker)",
    )
    parser.add_argument(
        "--write-rate", type=float, default=1.0, help="saves a second in the writes run"
    )
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--only", default="", help="measure only pages whose name contains this")
    parser.add_argument("--document-runs", type=int, default=1, help="0 skips the documents")
    parser.add_argument("--output", default="docs/benchmark-results.md")
    parser.add_argument("--note", default="", help="a remark written under the table")
    return parser.parse_args()


# --- the database and Django -------------------------------------------------------------------


def prepare_database(url, regenerate):
    import dj_database_url
    import psycopg

    config = dj_database_url.parse(url)
    name = config["NAME"]
    admin = psycopg.connect(
        dbname="postgres",
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        autocommit=True,
    )
    with admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and regenerate:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            exists = None
        if not exists:
            admin.execute(f'CREATE DATABASE "{name}"')


def server_environment(args, var_dir):
    return {
        **os.environ,
        "EFFEKT_PAGE_CACHE": "0",
        "DJANGO_SETTINGS_MODULE": "effekt.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(45),  # 60 characters, new every run
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "EFFEKT_VAR_DIR": str(var_dir),
        "LOG_LEVEL": "WARNING",
        "EFFEKT_PAGE_CACHE_ENTRIES": PAGES_KEPT,
    }


def setup_django(args, environment):
    os.environ.update(environment)
    import django

    django.setup()
    from django.core.management import call_command

    from effekt.organisations.models import Organisation

    call_command("migrate", verbosity=0)
    if Organisation.objects.exists():
        print("the generated municipality is there already (--regenerate to make it anew)")
    else:
        call_command("generate_municipality", scale=args.scale, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)


def data_counts():
    from django.contrib.auth import get_user_model
    from django.utils import translation

    from effekt.core.models import ChangeRecord
    from effekt.followup.models import GoalAssessment, Report
    from effekt.goals.models import Activity, Comment, EffectGoal, Plan
    from effekt.indicators.models import Measurement, Series
    from effekt.organisations.models import Organisation

    counted = [
        Organisation,
        get_user_model(),
        Plan,
        EffectGoal,
        Activity,
        Comment,
        Report,
        GoalAssessment,
        Series,
        Measurement,
        ChangeRecord,
    ]
    with translation.override("en"):
        return {str(m._meta.verbose_name_plural): m.objects.count() for m in counted}


def sign_in(user):
    """The cookies of a browser signed in as `user`: the session, as the sign-in page would have
    made it, and the CSRF cookie a browser keeps."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils.crypto import get_random_string

    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    csrf = get_random_string(32)  # a CSRF secret as Django makes it: 32 letters and digits
    return (
        f"{settings.SESSION_COOKIE_NAME}={session.session_key}; {settings.CSRF_COOKIE_NAME}={csrf}"
    )


def latest_adopted_annual():
    """The compilation of the last annual report the council adopted: the whole municipality."""
    from effekt.followup.models import Compilation, Period

    return (
        Compilation.objects.filter(
            status=Compilation.Status.ADOPTED, period__kind=Period.Kind.ANNUAL
        )
        .select_related("period__cycle")
        .order_by("-period__ends_on")
        .first()
    )


def pages_and_headers(number_of_people=0):
    """The pages to measure, the headers each kind of visitor sends, and for the deadline run
    the cookies of `number_of_people` sessions per signed-in visitor."""
    from rest_framework.authtoken.models import Token

    from effekt.followup.models import Compilation, Period, Report
    from effekt.goals.models import Plan
    from effekt.indicators.models import Indicator
    from effekt.organisations.models import Organisation, Role, RoleAssignment

    current = Period.objects.filter(kind=Period.Kind.INTERIM).order_by("-ends_on").first()
    year = current.cycle.year
    office = RoleAssignment.objects.filter(role=Role.EXECUTIVE_OFFICE).first().user
    report = (
        Report.objects.filter(period=current, organisation__kind=Organisation.Kind.BOARD)
        .order_by("organisation__order")
        .first()
    )
    editor = (
        RoleAssignment.objects.filter(
            role=Role.ORGANISATION_EDITOR, organisation=report.organisation
        )
        .first()
        .user
    )
    plan = Plan.objects.get(organisation=report.organisation, year=year)
    draft = Compilation.objects.filter(status=Compilation.Status.DRAFT).first()
    adopted = latest_adopted_annual()
    indicator = Indicator.objects.filter(council_number=1).first()
    token, _created = Token.objects.get_or_create(user=office)
    adopted_year = adopted.period.cycle.year
    pages = [
        Page(TRIVIAL, "/health/live", "public"),
        Page("start page", "/", "office"),
        Page("goal chain (whole municipality)", f"/malkedja/?year={year}", "office"),
        Page(
            "goal chain (one board)",
            f"/malkedja/?year={year}&organisation={plan.organisation_id}",
            "editor",
        ),
        Page("plan", f"/planer/{plan.pk}/", "editor"),
        Page("report (interim)", f"/uppfoljning/rapporter/{report.pk}/", "editor"),
        Page("status board", "/uppfoljning/status/", "office"),
        Page("compilation (draft, live)", f"/uppfoljning/sammanstallningar/{draft.pk}/", "office"),
        Page("compilation (adopted)", f"/uppfoljning/sammanstallningar/{adopted.pk}/", "office"),
        Page("indicator", f"/indikatorer/{indicator.pk}/", "office"),
        Page("change log", "/historik/", "auditor"),
        Page(
            "public: adopted compilation", f"/offentligt/{adopted_year}/arsredovisning/", "public"
        ),
        Page("public: plan", f"/offentligt/planer/{year}/{plan.organisation_id}/", "public"),
        Page("public: indicators", "/offentligt/indikatorer/", "public"),
        *[
            Page(f"API: {name}", f"/api/{name}/", "api")
            for name in ("plans", "effect-goals", "reports", "indicators", "organisations")
        ],
    ]
    # As a browser sends them (the API clients of Python, httpx and requests, accept gzip too).
    browser = ["X-Forwarded-Proto: https", "Accept-Encoding: gzip, deflate, br, zstd"]
    headers = {
        "public": browser,  # a first visit: no cookies
        "office": [*browser, f"Cookie: {sign_in(office)}"],
        "editor": [*browser, f"Cookie: {sign_in(editor)}"],
        "auditor": [*browser, f"Cookie: {sign_in(office)}"],  # the office reads everything
        "api": ["X-Forwarded-Proto: https", "Accept-Encoding: gzip, deflate"]
        + [f"Authorization: Token {token.key}"],
    }
    # The deadline run: as many of the generated users, each signed in once: the office's pages
    # (the start page, the compilations, …) any of them may read; the board's pages (its plan
    # and report, being written) only those whose roles let them read the board's drafts, and
    # the office. Each person's pages are made for those who answer like them (page cache).
    return pages, headers, deadline_people(number_of_people, plan, report)


def deadline_people(number_of_people, plan, report):
    from django.contrib.auth import get_user_model

    from effekt.organisations.access import Action, can, grants_for

    if not number_of_people:
        return {"office": [], "editor": [], "auditor": [], "public": [], "api": []}
    users = list(
        get_user_model()
        .objects.filter(is_active=True, role_assignments__isnull=False)
        .distinct()
        .order_by("pk")[:number_of_people]
    )
    board = [
        user for user in users if can(user, Action.VIEW, plan) and can(user, Action.VIEW, report)
    ]
    return {
        "office": [sign_in(user) for user in users],
        "editor": [sign_in(user) for user in board],
        # the change log: those who read everything (administrators, the office, auditors)
        "auditor": [sign_in(user) for user in users if grants_for(user).reads_everything],
        "public": [],
        "api": [],
    }


# --- the server and the load -------------------------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url, headers):
    """(status, the X-Effekt-Cache header: "hit", "miss" or None)."""
    headers = dict(h.split(": ", 1) for h in headers)
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - our http://127.0.0.1
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=120) as response:
            response.read()
            return response.status, response.headers.get("X-Effekt-Cache")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("X-Effekt-Cache")


def warm_up(args, url, headers, cache):
    """Every worker has compiled the page's templates and, with the cache on, has the page: the
    workers each keep their own cache, so requests are sent `workers` at a time until a whole
    round is served from the cache. False if that never happens (a page the cache does not
    store, such as one over its size limit)."""
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        for round_ in range(20):
            states = list(pool.map(lambda _: fetch(url, headers)[1], range(args.workers)))
            if round_ and (cache == "off" or all(state == "hit" for state in states)):
                return True
    return False


def start_server(args, environment):
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    command = [
        gunicorn,
        "effekt.wsgi",
        f"--bind=127.0.0.1:{args.port}",
        f"--workers={args.workers}",
        "--timeout=120",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=environment)  # noqa: S603
    base = f"http://127.0.0.1:{args.port}"
    for _ in range(120):
        time.sleep(0.5)
        try:
            if fetch(base + "/health/ready", [])[0] == 200:
                return server, base
        except OSError:
            continue
    server.terminate()
    raise SystemExit("gunicorn did not become ready")


def run_wrk(url, headers, connections, duration, cookies=()):
    """wrk's figures for the page; with `cookies`, each request sends the next of them (one
    person after another, wrk_report.lua) instead of a Cookie header of its own."""
    threads = max(1, min(connections, os.cpu_count() or 1))
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout=30s"]
    command += ["-s", str(LUA)]
    for header in headers:
        if not (cookies and header.startswith("Cookie: ")):
            command += ["-H", header]
    command += [url, "--", *cookies]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout  # noqa: S603
    line = next(line for line in output.splitlines() if line.startswith("RESULT "))
    values = dict(item.split("=") for item in line.split()[1:])
    requests, seconds = int(values["requests"]), float(values["seconds"])
    return Result(
        requests=requests,
        rps=requests / seconds,
        p50=float(values["p50"]),
        p95=float(values["p95"]),
        p99=float(values["p99"]),
        not_ok=int(values["not_ok"]) + int(values["errors"]),
    )


def mode_name(args, cache):
    if cache == "deadline":
        return f"on, {args.write_rate:g} writes/s, {args.people} people"
    return f"on, {args.write_rate:g} writes/s" if cache == "writes" else cache


RUN = secrets.token_hex(4)  # this run's, in the texts the writer saves
SAVES = itertools.count(1)  # the saves of this run, over every Writer


class Writer:
    """While in its `with`, editors save reports `rate` times a second, as the report form would
    (the domain operation `report_save`, in this process, data version and all): each save the
    next of the current interim period's reports in draft or returned to their boards, in turn,
    by an editor of its organisation, as at a deadline when every board and unit writes its own.
    0: nothing."""

    def __init__(self, rate):
        self.rate = rate
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def __enter__(self):
        if self.rate:
            self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        if self.rate:
            self.thread.join()

    def run(self):
        from django.db import connection

        from effekt.followup import services
        from effekt.followup.models import Period, Report
        from effekt.organisations.models import Role, RoleAssignment

        current = Period.objects.filter(kind=Period.Kind.INTERIM).order_by("-ends_on").first()
        editors = {}
        for assignment in RoleAssignment.objects.filter(
            role=Role.ORGANISATION_EDITOR
        ).select_related("user"):
            editors.setdefault(assignment.organisation_id, assignment.user)
        writing = [
            (report.pk, editors[report.organisation_id])
            for report in Report.objects.filter(
                period=current, status__in=[Report.Status.RETURNED, Report.Status.DRAFT]
            ).order_by("pk")
            if report.organisation_id in editors
        ]
        if not writing:
            raise SystemExit("the writes run needs a report in draft or returned: --regenerate")
        try:
            while not self.stop.wait(1 / self.rate):
                number = next(SAVES)
                pk, editor = writing[number % len(writing)]
                fresh = Report.objects.get(pk=pk)
                # never a text saved before (a save that changes nothing writes nothing)
                text = f"Uppdraget följs enligt plan (utkast {RUN}-{number})."
                services.report_save(
                    user=editor, report=fresh, mission_results=text, version=fresh.version
                )
        finally:
            connection.close()


def first_requests(args, base, headers, people):
    """Each of the deadline's people asks for the start page before the measuring starts, as a
    sign-in lands there, `--first-requests` times (default: as many as there are workers): their
    answers to the page cache's questions are worked out at their first request (their session,
    user and roles read once, kept until users, roles or organisations change), each worker that
    serves them keeps them, and the start page of each set of rights is made, as in the hours
    before a real deadline, when each has asked for pages of any worker. The requests go to the
    workers as the kernel hands them out, so a worker has met most people, not all (with five
    requests each among five workers, two in three). After that, a save makes anew the pages that
    read what it wrote (the start pages of those who write reports and of the office)."""
    browser = [line for line in headers["office"] if not line.startswith("Cookie:")]
    cookies = {cookie for who in ("office", "editor", "auditor") for cookie in people[who]}
    with ThreadPoolExecutor(max_workers=args.workers) as pool:
        statuses = set(
            pool.map(
                lambda cookie: fetch(f"{base}/", [*browser, f"Cookie: {cookie}"])[0],
                [cookie for _ in range(first_requests_each(args)) for cookie in cookies],
            )
        )
    if statuses - {200}:
        raise SystemExit(f"the deadline's people: the start page answered {statuses}")


def first_requests_each(args):
    return args.first_requests or args.workers


def measure(args, base, pages, headers, people, levels, cache):
    """Each page at each level; at the top level the trivial view again just before the page, the
    ceiling its share is of: a shared machine's speed drifts within a run (seen here: the pages
    that read nothing a save writes went from 80 to 41 % of a trivial view measured twenty
    minutes before them)."""
    if cache == "deadline":
        first_requests(args, base, headers, people)
    trivial = next(p for p in pages if p.name == TRIVIAL)
    for page in pages:
        status, _state = fetch(base + page.path, headers[page.who])
        if status != 200:
            raise SystemExit(f"{page.name}: {page.path} answered {status}, not 200")
        mode = "off" if page.name == TRIVIAL or cache == "off" else "on"
        if not warm_up(args, base + page.path, headers[page.who], mode):
            page.not_stored = True
            print(f"{page.name}: not served from the cache after warming up", flush=True)
        for connections in levels:
            with Writer(args.write_rate if cache in ("writes", "deadline") else 0):
                if connections == max(levels) and page is not trivial:
                    page.baseline[cache] = run_wrk(
                        base + trivial.path, headers[trivial.who], connections, args.duration, ()
                    ).rps
                result = run_wrk(
                    base + page.path,
                    headers[page.who],
                    connections,
                    args.duration,
                    people[page.who] if cache == "deadline" else (),
                )
            page.results[cache, connections] = result
            print(
                f"{page.name:38} cache {cache:3} c={connections:<3} {result.rps:8.1f} req/s  "
                f"p50 {result.p50:7.1f}  p95 {result.p95:7.1f}  p99 {result.p99:7.1f} ms"
                + (f"  NOT 200: {result.not_ok}" if result.not_ok else ""),
                flush=True,
            )


# --- the documents -----------------------------------------------------------------------------


def time_documents(runs):
    from django.utils import translation

    from effekt.documents import content, pdf, word

    translation.activate("sv")
    compilation = latest_adopted_annual()
    rows = sum(len(goal["effect_goals"]) for goal in compilation.snapshot["goals"])
    from django.core.cache import caches

    def made(renderer):
        def anew(document):
            caches["documents"].clear()  # made, not the document kept from the run before
            return renderer.render(document)

        return anew

    timings = {}
    for name, render in (
        ("PDF", made(pdf)),
        ("PDF again (kept)", pdf.render),
        ("Word", made(word)),
        ("Word again (kept)", word.render),
    ):
        times, size = [], 0
        for _ in range(runs):
            started = time.perf_counter()
            size = len(render(content.compilation_document(compilation)))
            times.append(time.perf_counter() - started)
        timings[name] = (statistics.median(times), size)
        print(f"compilation {name}: {timings[name][0]:.2f} s, {size / 1024:,.0f} kB", flush=True)
    return str(compilation), rows, timings


# --- the report --------------------------------------------------------------------------------


def reference_loop() -> float:
    """Seconds for a fixed loop of Python (5 million additions, the best of three), so that
    runs on machines of the same name but different speed (a shared host on a busy day) can be
    compared: the figures scale with it."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for number in range(5_000_000):
            total += number
        best = min(best, time.perf_counter() - started)
    return best


def machine(connection):
    import django

    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    commit = subprocess.run(
        ["git", "describe", "--always", "--dirty"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return {
        "CPU": f"{cpu}, {os.cpu_count()} cores",
        "memory": f"{int(memory.group(1)) / 1024**2:.0f} GiB" if memory else "?",
        "system": platform.platform(),
        "PostgreSQL": postgres,
        "Python": platform.python_version(),
        "Django": django.get_version(),
        "commit": commit or "?",
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "Python reference loop (5 M additions, best of 3)": f"{reference_loop():.2f} s",
    }


def table(args, pages, levels, modes):
    """One row per page and cache mode; the share is of the trivial view measured just before the
    page (`measure`)."""
    trivial = next(p for p in pages if p.name == TRIVIAL)
    top = max(levels)
    head = ["page", "page cache"]
    for level in levels:
        head += [f"req/s at {level}", f"p50/p95/p99 ms at {level}"]
    head += [f"% of trivial req/s at {top} (trivial just before)", "target met"]
    rows = [head]
    for page in pages:
        for cache in modes:
            results = [page.results[cache, level] for level in levels]
            row = [
                page.name,
                mode_name(args, cache)
                + (" (not stored)" if cache != "off" and page.not_stored else ""),
            ]
            for result in results:
                latency = f"{result.p50:.0f} / {result.p95:.0f} / {result.p99:.0f}"
                if not result.requests:
                    latency = f"none finished in {args.duration} s"
                row += [f"{result.rps:.1f}" if result.rps < 10 else f"{result.rps:.0f}", latency]
            result = page.results[cache, top]
            ceiling = page.baseline.get(cache, trivial.results[cache, top].rps)
            share = result.rps / ceiling
            met = (
                result.requests
                and result.p95 <= P95_TARGET_MS
                and share >= SHARE_TARGET
                and not result.not_ok
            )
            row += [
                f"{100 * share:.0f} %" + (f" ({ceiling:.0f})" if page is not trivial else ""),
                "yes" if met else "no",
            ]
            if not_ok := sum(result.not_ok for result in results):
                row[-1] += f" ({not_ok} not 200)"
            rows.append(row)
    return rows


def markdown(args, info, counts, rows, documents):
    lines = ["# Benchmark results", ""]
    lines += [
        f"Measured {time.strftime('%Y-%m-%d %H:%M %Z')} with `benchmarks/load.py` "
        f"(gunicorn, {args.workers} workers, production settings, PostgreSQL"
        + (", the data version in Redis" if args.redis_url else "")
        + f", {PAGES_KEPT} pages kept per worker"
        + "; wrk over loopback, "
        f"{args.duration} s per page and level; the runs: "
        + ", ".join(mode_name(args, mode) for mode in args.cache.split(",") if mode)
        + ". Page cache off: every request makes its page, as the first one after a write does; "
        "on: every worker has the page already; on with writes: editors save reports that often "
        "meanwhile (each save the next board's or unit's draft report, in turn), and a save makes "
        "anew the pages that read what it wrote (once, for all workers); with "
        "people: the signed-in requests come from that many of the generated users in turn, "
        f"each signed in once and having asked for the start page {first_requests_each(args)} "
        "times before (of any worker; a board's pages from those who may read its drafts), each served "
        "the page made for those who answer like them, made anew after such a save, as at the "
        "reporting deadline; the public pages and the API client stay one visitor each). "
        "Targets:"
        f" p95 ≤ {P95_TARGET_MS:.0f} ms at "
        f"{max(int(c) for c in args.connections.split(','))} connections and at least "
        f"{100 * SHARE_TARGET:.0f} % of the trivial view's throughput; compilation PDF ≤ "
        f"{PDF_TARGET_S:.0f} s.",
        "",
        "## Machine",
        "",
        *[f"- {key}: {value}" for key, value in info.items()],
        "",
        "## Data (generated, `manage.py generate_municipality`)",
        "",
        *[f"- {name}: {number:,}" for name, number in counts.items()],
        "",
        "## Pages",
        "",
        "| " + " | ".join(rows[0]) + " |",
        "|" + "|".join("---" for _ in rows[0]) + "|",
        *["| " + " | ".join(row) + " |" for row in rows[1:]],
        "",
    ]
    if documents:
        name, effect_goals, timings = documents
        lines += [
            "## Documents",
            "",
            f"{name}, {effect_goals:,} effect goal rows (median of {args.document_runs}):",
            "",
        ]
        for kind, (seconds, size) in timings.items():
            target = f" (target ≤ {PDF_TARGET_S:.0f} s: {'met' if seconds <= PDF_TARGET_S else 'not met'})"
            lines.append(
                f"- {kind}: {seconds:.2f} s, {size / 1024:,.0f} kB"
                + (target if kind == "PDF" else "")
            )
        lines.append("")
    if args.note:
        lines += [args.note, ""]
    return "\n".join(lines)


def main():
    args = arguments()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk")
    levels = [int(c) for c in args.connections.split(",")]
    var_dir = ROOT / "var" / "bench"
    var_dir.mkdir(parents=True, exist_ok=True)
    modes = [mode for mode in args.cache.split(",") if mode]
    if not modes or set(modes) - {"off", "on", "writes", "deadline"}:
        raise SystemExit("--cache: off, on, writes, deadline or a comma-separated list of them")
    environment = server_environment(args, var_dir)
    started = time.perf_counter()
    prepare_database(args.database_url, args.regenerate)
    setup_django(args, environment)
    print(f"database ready in {time.perf_counter() - started:.0f} s", flush=True)

    from django.db import connection

    info = machine(connection)
    counts = data_counts()
    pages, headers, people = pages_and_headers(args.people if "deadline" in modes else 0)
    pages = [p for p in pages if p.name == TRIVIAL or args.only.lower() in p.name.lower()]
    connection.close()
    for cache in modes:
        cached = {**environment, "EFFEKT_PAGE_CACHE": "0" if cache == "off" else "1"}
        server, base = start_server(args, cached)
        try:
            measure(args, base, pages, headers, people, levels, cache)
        finally:
            server.terminate()
            server.wait(timeout=30)
    documents = time_documents(args.document_runs) if args.document_runs else None
    rows = table(args, pages, levels, modes)
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    print()
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    output = ROOT / args.output
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(markdown(args, info, counts, rows, documents), encoding="utf-8")
    print(f"\nwritten to {output}")


if __name__ == "__main__":
    main()
