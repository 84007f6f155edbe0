"""Faults: the database unreachable or restarted while pages are served, imports killed half-way.

The first test runs in process on any database. The others use a private PostgreSQL cluster
started for this module (never the machine's shared server) and run everything in subprocesses
as in production: `manage.py migrate`, gunicorn (the production settings, static files aside)
while the cluster is stopped and started, `manage.py kolada` against a local replay of Kolada's
API on the loopback interface, and an Excel import; they are skipped when PostgreSQL's binaries
are not installed, and in the SQLite run (they run once, in the PostgreSQL run).
"""

import contextlib
import glob
import importlib.util
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import psycopg
import pytest
from django.db import connection, utils
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext
from rest_framework.authtoken.models import Token

from effekt.core.middleware import database_down

ROOT = Path(__file__).resolve().parents[1]
PG_BIN = max(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), default=None)
SECRET = "fault-tests-" + "x" * 50
UNAVAILABLE = (
    "The service is temporarily unavailable. Try again in a minute. "
    "Nothing you saved earlier has been lost."
)
UNAVAILABLE_API = "The service is temporarily unavailable. Try again in a minute."


# Production, except static files (collecting them takes half a minute and no page here needs them).
SETTINGS = """
from effekt.settings.production import *  # noqa: F403
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition, what, seconds=120.0):
    """Poll `condition` until it returns something true (a bound, not a timed assert)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.05)
    raise AssertionError(f"gave up waiting for {what}")


class Cluster:
    """A PostgreSQL cluster of its own in a temporary directory, on a free port."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.data = directory / "data"
        self.port = free_port()
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/effekt"

    def _run(self, program, *args):
        command = [str(Path(PG_BIN).parent / program), *map(str, args)]
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def create(self):
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        self._run("initdb", "-D", self.data, "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--locale=C", "--no-sync")  # fmt: skip
        self.start()
        self.sql("CREATE DATABASE effekt", database="postgres")

    def start(self):
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", self.data, "-o", options, "-l", self.directory / "log", "-w",
                  "start")  # fmt: skip

    def stop(self, mode="fast"):
        self._run("pg_ctl", "-D", self.data, "-m", mode, "-w", "stop")

    def sql(self, query, params=(), database="effekt"):
        with psycopg.connect(
            host="127.0.0.1", port=self.port, user="postgres", dbname=database, autocommit=True
        ) as conn:
            cursor = conn.execute(query, params)
            return cursor.fetchall() if cursor.description else None


@pytest.fixture(scope="module")
def cluster():
    if PG_BIN is None:
        pytest.skip("PostgreSQL's binaries (/usr/lib/postgresql/*/bin) are not installed")
    if os.environ.get("DATABASE_URL", "").split(":")[0] not in {"postgres", "postgresql"}:
        # The cluster is private, so the suite's database does not matter; run these slow tests
        # once, in the PostgreSQL run (`make test-postgres`), not again in the SQLite one.
        pytest.skip("runs in the PostgreSQL run (make test-postgres), on a private cluster")
    directory = Path(tempfile.mkdtemp(prefix="effekt-faults-"))
    (directory / "fault_settings.py").write_text(SETTINGS)
    cluster = Cluster(directory)
    try:
        cluster.create()
        manage(cluster, "migrate", "--noinput")
        yield cluster
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            cluster.stop("immediate")
        shutil.rmtree(directory, ignore_errors=True)


def environment(cluster, **extra):
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(cluster.directory), str(ROOT)]),
        "DJANGO_SETTINGS_MODULE": "fault_settings",
        "DATABASE_URL": cluster.url,
        "SECRET_KEY": SECRET,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        **extra,
    }
    return env


def manage(cluster, *args, **env):
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=environment(cluster, **env),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


# --- the database unreachable, in process (also on SQLite, also without PostgreSQL's binaries)


@contextlib.contextmanager
def unreachable_database():
    """Point the connection at a database that is not there; the real one is kept aside."""
    connection.ensure_connection()
    kept = connection.connection
    if connection.vendor == "sqlite":
        changes = {"NAME": "/nonexistent/effekt.sqlite3"}
    else:
        changes = {"HOST": "127.0.0.1", "PORT": str(free_port())}
    saved = {name: connection.settings_dict[name] for name in changes}
    connection.connection = None
    connection.settings_dict.update(changes)
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)
        connection.connection = kept


def swedish(message):
    with translation.override("sv"):
        return gettext(message)


@pytest.mark.django_db(transaction=True)
def test_unreachable_database_answers_503_without_a_trace(world, client_for):
    signed_in = client_for(world.users["executive_office"])
    token = Token.objects.create(user=world.users["executive_office"]).key
    with unreachable_database():
        pages = [Client().get("/offentligt/"), signed_in.get("/")]
        api = Client().get("/api/reports/", HTTP_AUTHORIZATION=f"Token {token}")
    for response in [*pages, api]:
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
    for page in pages:
        assert swedish(UNAVAILABLE) in page.content.decode()
    assert api.json() == {"detail": swedish(UNAVAILABLE_API)}


# --- the database restarted while pages are served ----------------------------------------

SIGNED_IN = """
import datetime
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.contrib.sessions.backends.db import SessionStore
from rest_framework.authtoken.models import Token
from effekt.organisations.models import Organisation, Role, RoleAssignment

user = get_user_model().objects.create_user("kontoret")
council = Organisation.objects.create(
    name="Kommunfullmäktige", kind=Organisation.Kind.COUNCIL, valid_from=datetime.date(2020, 1, 1)
)
RoleAssignment.objects.create(user=user, organisation=council, role=Role.EXECUTIVE_OFFICE)
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
session.create()
print(settings.SESSION_COOKIE_NAME, session.session_key, Token.objects.create(user=user).key)
"""


@pytest.fixture
def served(cluster):
    """gunicorn serving the app on a free port: yields an httpx client signed in by session."""
    cookie, session_key, token = manage(cluster, "shell", "-c", SIGNED_IN).split()[-3:]
    port = free_port()
    log = (cluster.directory / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "effekt.wsgi",
            f"--bind=127.0.0.1:{port}",
            "--workers=1",
        ],
        env=environment(cluster),
        cwd=ROOT,
        stdout=log,
        stderr=log,
    )
    client = httpx.Client(
        base_url=f"http://127.0.0.1:{port}",
        headers={"Cookie": f"{cookie}={session_key}"},  # the cookie is Secure: set by hand
        timeout=30,
    )
    try:
        wait_for(lambda: _answers(client), "gunicorn to answer")
        yield client, token
    finally:
        client.close()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        log.close()


def _answers(client):
    with contextlib.suppress(httpx.TransportError):
        return client.get("/offentligt/").status_code == 200
    return False


def fetch_all(client, token):
    """A public page, a signed-in page and the API."""
    return {
        "public": client.get("/offentligt/"),
        "signed in": client.get("/"),
        "api": client.get("/api/reports/", headers={"Authorization": f"Token {token}"}),
    }


def test_database_restart_answers_503_then_recovers(cluster, served):
    client, token = served
    up = fetch_all(client, token)
    assert {name: r.status_code for name, r in up.items()} == {
        "public": 200,
        "signed in": 200,
        "api": 200,
    }
    assert "kontoret" in up["signed in"].text  # the personal start page, not the welcome

    cluster.stop("fast")
    try:
        down = fetch_all(client, token)
    finally:
        cluster.start()

    for name, response in down.items():
        assert response.status_code == 503, (name, response.text[:500])
        assert response.headers["Retry-After"] == "30"
        assert "Traceback" not in response.text
    for name in ("public", "signed in"):
        assert swedish(UNAVAILABLE) in down[name].text
        assert '<html lang="sv">' in down[name].text
    assert down["api"].json() == {"detail": swedish(UNAVAILABLE_API)}

    # the same gunicorn, not restarted: the next requests reconnect by themselves
    assert {name: r.status_code for name, r in fetch_all(client, token).items()} == {
        "public": 200,
        "signed in": 200,
        "api": 200,
    }


# --- an import killed half-way -------------------------------------------------------------

AREAS = 120  # series per indicator: enough values that an import's transaction lasts a while
YEARS = range(2005, 2025)

# Three indicators with a Kolada KPI and AREAS series each; the first one's values imported.
KOLADA_SETUP = """
import json
from django.contrib.auth import get_user_model
from django.core.management import call_command
from effekt.indicators import services
from effekt.indicators.models import Series

def records(name):
    with open(f"tests/fixtures/kolada/{name}", encoding="utf-8") as file:
        return json.load(file)["values"]

user = get_user_model().objects.create_user(username="importer", is_superuser=True)
municipalities = records("municipality.v3.all.json")[:AREAS]
indicators = []
for number, kpi in enumerate(records("kpi.v3.indicator-candidates.json")[:3], start=1):
    indicator = services.indicator_save(user=user, data={"name": f"{number}. {kpi['title'][:100]}"})
    services.kpi_link_save(user=user, indicator=indicator, kpi_id=kpi["id"])
    own = set(indicator.series.values_list("area_code", flat=True))
    Series.objects.bulk_create(
        Series(indicator=indicator, role=Series.Role.COMPARISON, area_code=m["id"],
               area_name=m["title"])
        for m in municipalities if m["id"] not in own
    )
    indicators.append(indicator.pk)
call_command("kolada", user="importer", indicators=indicators[:1])
"""

# An indicator with AREAS series and values for five years; a workbook with every year of them.
EXCEL_SETUP = """
import io
from decimal import Decimal
from django.contrib.auth import get_user_model
from openpyxl import load_workbook
from effekt.indicators import services
from effekt.indicators.excel import import_workbook, template_workbook
from effekt.indicators.models import Series

user = get_user_model().objects.create_user(username="filer", is_superuser=True)
indicator = services.indicator_save(user=user, data={"name": "Andel elever med godkända betyg"})
Series.objects.bulk_create(
    Series(indicator=indicator, role=Series.Role.COMPARISON, area_code=f"{n:04}",
           area_name=f"Kommun {n}")
    for n in range(1, AREAS)
)

def workbook(years):
    book = load_workbook(io.BytesIO(template_workbook([indicator])))
    sheet = book.worksheets[0]
    series = [row[2].value for row in sheet.iter_rows(min_row=2)]
    sheet.delete_rows(2, sheet.max_row)
    for pk in series:
        for year in years:
            sheet.append([indicator.pk, indicator.name, pk, "", year, (pk * year) % 997 / 10, ""])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

import_workbook(user=user, file=workbook(YEARS[:5]))
with open("WORKBOOK", "wb") as file:
    file.write(workbook(YEARS))
"""

EXCEL_IMPORT = """
from django.contrib.auth import get_user_model
from effekt.indicators.excel import import_workbook

with open("WORKBOOK", "rb") as file:
    result = import_workbook(user=get_user_model().objects.get(username="filer"), file=file.read())
print(result.created, result.updated, result.unchanged)
"""

# The import's session, inside its transaction, having written values (it has a transaction id
# and holds the row lock of a writer on the measurements).
MID_IMPORT = """
SELECT a.pid FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid
WHERE a.application_name = %s AND a.backend_xid IS NOT NULL AND l.granted
  AND l.relation = 'indicators_measurement'::regclass AND l.mode = 'RowExclusiveLock'
"""

TABLES = ["indicators_measurement", "indicators_series", "core_changerecord"]


def _replay_class():
    """The benchmark's replay of Kolada's API (real metadata, deterministic values)."""
    spec = importlib.util.spec_from_file_location(
        "kolada_replay", ROOT / "benchmarks" / "kolada_import.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.ReplayKolada


@pytest.fixture
def kolada_replay():
    """Kolada's API replayed on a free loopback port; yields its base URL."""
    fixtures = ROOT / "tests" / "fixtures" / "kolada"
    kpis, municipalities = (
        json.loads((fixtures / name).read_text(encoding="utf-8"))["values"]
        for name in ("kpi.v3.indicator-candidates.json", "municipality.v3.all.json")
    )
    replay = _replay_class()(kpis, municipalities)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the standard library's name)
            answer = replay(httpx.Request("GET", f"http://{self.headers['Host']}{self.path}"))
            self.send_response(answer.status_code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer.content)))
            self.end_headers()
            self.wfile.write(answer.content)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v3/"
    finally:
        server.shutdown()
        server.server_close()


def state(cluster):
    """{table: (rows, checksum of every row's content)} of the tables an import writes."""
    return {
        table: cluster.sql(
            "SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) "
            f"FROM {table} t"  # noqa: S608 (our own table names)
        )[0]
        for table in TABLES
    }


def kill_mid_import(cluster, *args, **env):
    """Run `manage.py *args`, kill -9 it once it is demonstrably half-way through writing, and
    wait until PostgreSQL has ended its session."""
    name = f"effekt-killed-{os.getpid()}"
    run = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=environment(cluster, PGAPPNAME=name, **env),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        [(backend,)] = wait_for(lambda: cluster.sql(MID_IMPORT, (name,)), "the import to write")
        assert run.poll() is None
    finally:
        run.kill()
    assert run.wait(timeout=30) == -signal.SIGKILL
    wait_for(
        lambda: not cluster.sql("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (backend,)),
        "PostgreSQL to end the killed import's session",
    )


def measurements(cluster):
    [(count, distinct)] = cluster.sql(
        "SELECT count(*), count(DISTINCT (series_id, year)) FROM indicators_measurement"
    )
    assert count == distinct
    return count


def test_kolada_import_killed_half_way_leaves_nothing(cluster, kolada_replay):
    kolada = {"KOLADA_BASE_URL": kolada_replay}
    manage(cluster, "shell", "-c", KOLADA_SETUP.replace("AREAS", str(AREAS)), **kolada)
    before, fetches = state(cluster), cluster.sql("SELECT * FROM indicators_koladafetch")
    first = measurements(cluster)
    assert first > 0

    kill_mid_import(cluster, "kolada", "--user", "importer", **kolada)

    assert state(cluster) == before
    # what remains is the record of an attempt that never finished, with nothing counted
    assert (
        cluster.sql("SELECT * FROM indicators_koladafetch WHERE id <= %s", (fetches[-1][0],))
        == fetches
    )
    assert cluster.sql(
        "SELECT finished_at, created, revised, deleted, unchanged, error "
        "FROM indicators_koladafetch WHERE id > %s",
        (fetches[-1][0],),
    ) == [(None, 0, 0, 0, 0, "")]

    # run again: it completes, and every value is there once
    summary = manage(cluster, "kolada", "--user", "importer", **kolada)
    assert measurements(cluster) == 3 * first
    assert cluster.sql(
        "SELECT created, unchanged FROM indicators_koladafetch ORDER BY id DESC LIMIT 1"
    ) == [(2 * first, first)], summary


def test_excel_import_killed_half_way_leaves_nothing(cluster):
    workbook = cluster.directory / "values.xlsx"

    def script(text):
        return text.replace("AREAS", str(AREAS)).replace("YEARS", repr(YEARS))

    earlier = measurements(cluster)  # the other tests' values, if they ran first
    manage(cluster, "shell", "-c", script(EXCEL_SETUP).replace("WORKBOOK", str(workbook)))
    before, count = state(cluster), measurements(cluster) - earlier

    kill_mid_import(cluster, "shell", "-c", EXCEL_IMPORT.replace("WORKBOOK", str(workbook)))

    assert state(cluster) == before
    out = manage(cluster, "shell", "-c", EXCEL_IMPORT.replace("WORKBOOK", str(workbook)))
    # five of the twenty years were there: the other fifteen are new, the five unchanged
    assert tuple(map(int, out.split()[-3:])) == (3 * count, 0, count)
    assert measurements(cluster) == earlier + 4 * count


def _wrapped(cause):
    """The error as Django raises it: its own class, the driver's error as the cause."""
    kind = utils.InterfaceError if "Interface" in type(cause).__name__ else utils.OperationalError
    error = kind(str(cause))
    error.__cause__ = cause
    return error


@pytest.mark.parametrize(
    ("cause", "down"),
    [
        (psycopg.OperationalError("connection refused"), True),  # no server: no SQLSTATE
        (psycopg.errors.AdminShutdown("terminating connection"), True),  # 57P01
        (psycopg.errors.ConnectionFailure("connection failure"), True),  # 08006
        (psycopg.errors.DeadlockDetected("deadlock detected"), False),  # 40P01: a bug, a 500
        (psycopg.errors.QueryCanceled("statement timeout"), False),  # 57014
        (psycopg.InterfaceError("the connection is closed"), True),
        (sqlite3.OperationalError("unable to open database file"), True),
        (sqlite3.OperationalError("database is locked"), False),
    ],
    ids=lambda v: v if isinstance(v, bool) else type(v).__name__ + ": " + str(v),
)
def test_only_an_unreachable_database_is_an_outage(cause, down):
    """Only the database being gone is answered "try again in a minute"; a deadlock or a timeout
    is a fault of the application and must be a 500 that is logged and looked at."""
    assert database_down(_wrapped(cause)) is down
