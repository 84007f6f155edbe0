"""Sign-in and web hardening: login throttling, sessions and cookies, the deploy check, the
security headers, and hostile text written by users, escaped wherever it is shown (pages,
charts, PDF, Word, Excel and CSV)."""

import csv
import datetime
import io
import os
import re
import secrets
import string
import subprocess
import sys
import zipfile
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from openpyxl import load_workbook

from effekt.followup import selectors as followup_selectors
from effekt.followup import services as followup_services
from effekt.followup.models import Compilation, Report
from effekt.goals import selectors as goal_selectors
from effekt.goals import services as goal_services
from effekt.indicators import services as indicator_services
from effekt.indicators.models import Series
from effekt.organisations.throttling import lockout_message

from . import factories as f

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "ett långt och riktigt lösenord"
LOGIN = reverse("login")


# --- login throttling ------------------------------------------------------------------------


@pytest.fixture
def member(db):
    user = f.UserFactory(username="anna")
    user.set_password(PASSWORD)
    user.save()
    return user


def attempt(client, username, password, ip="10.0.0.1", url=LOGIN):
    return client.post(
        url,
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
        HTTP_ACCEPT_LANGUAGE="sv",
    )


def fail(client, times, username="anna", ip="10.0.0.1", url=LOGIN):
    for _ in range(times):
        response = attempt(client, username, "fel lösenord", ip, url)
        assert response.status_code == 200, response.status_code
        assert "_auth_user_id" not in client.session


def test_five_failures_lock_the_user_name_from_that_address(member):
    client = Client()
    fail(client, 4)
    response = attempt(client, "anna", "fel lösenord")
    assert response.status_code == 429
    # Locked: even the right password is refused, with the sign-in page and a clear message.
    response = attempt(client, "anna", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    page = response.content.decode()
    assert 'role="alert"' in page and 'name="password"' in page
    with translation.override("sv"):
        assert escape(lockout_message()) in page
    assert "15" in lockout_message()
    assert (
        AccessAttempt.objects.get(username="anna", ip_address="10.0.0.1").failures_since_start >= 5
    )


def test_the_lockout_is_by_user_name_and_address_together(member):
    other = f.UserFactory(username="bertil")
    other.set_password(PASSWORD)
    other.save()
    fail(Client(), 4)
    assert attempt(Client(), "anna", "fel", ip="10.0.0.1").status_code == 429
    # The same user from another address, and another user from the same address, sign in.
    elsewhere = Client()
    assert attempt(elsewhere, "anna", PASSWORD, ip="10.0.0.2").status_code == 302
    assert int(elsewhere.session["_auth_user_id"]) == member.pk
    neighbour = Client()
    assert attempt(neighbour, "bertil", PASSWORD, ip="10.0.0.1").status_code == 302
    assert int(neighbour.session["_auth_user_id"]) == other.pk


def test_a_successful_sign_in_resets_the_count(member):
    client = Client()
    fail(client, 4)
    assert attempt(client, "anna", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="anna").exists()
    fail(Client(), 4)  # four more failures do not lock


def test_the_limit_and_the_cool_off_come_from_the_settings(member, settings):
    settings.AXES_FAILURE_LIMIT = 2
    client = Client()
    fail(client, 1)
    response = attempt(client, "anna", "fel")
    assert response.status_code == 429
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=1)
    with translation.override("sv"):
        assert "spärrad i 1 minut." in lockout_message()
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=30)
    with translation.override("en"):
        assert "blocked for 30 minutes." in lockout_message()


def test_the_admin_sign_in_is_throttled_too(member):
    admin_login = reverse("admin:login")
    client = Client()
    for _ in range(4):
        assert attempt(client, "anna", "fel", url=admin_login).status_code == 200
    assert attempt(client, "anna", "fel", url=admin_login).status_code == 429
    # The lockout is shared: the site's own sign-in refuses the same user name and address.
    assert attempt(client, "anna", PASSWORD).status_code == 429


def test_throttling_reads_the_address_behind_trusted_proxies(member, settings):
    settings.EFFEKT_PROXY_COUNT = 1
    for _ in range(5):
        Client().post(
            LOGIN,
            {"username": "anna", "password": "fel"},
            REMOTE_ADDR="192.168.0.1",
            HTTP_X_FORWARDED_FOR="6.6.6.6, 10.9.8.7",
        )
    assert AccessAttempt.objects.get(username="anna").ip_address == "10.9.8.7"


def test_demo_logins_still_work_and_are_listed_when_locked(db):
    demo = f.UserFactory(username="demo-lasare")
    demo.set_unusable_password()
    demo.save()
    client = Client()
    assert attempt(client, "demo-lasare", "demo").status_code == 302
    assert int(client.session["_auth_user_id"]) == demo.pk
    fail(Client(), 4, username="demo-lasare")
    assert attempt(Client(), "demo-lasare", "fel").status_code == 429
    response = attempt(Client(), "demo-lasare", "demo")
    assert response.status_code == 429
    assert "demo-lasare" in response.content.decode()  # the demo list is still shown


def test_sign_in_without_a_request_is_not_throttled_but_still_checked(member):
    from django.contrib.auth import authenticate

    assert authenticate(username="anna", password=PASSWORD) == member
    assert authenticate(username="anna", password="fel") is None


# --- sessions, cookies and headers ---------------------------------------------------------


def test_sessions_last_a_working_day_and_end_with_the_browser():
    assert django_settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert django_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert django_settings.SESSION_COOKIE_HTTPONLY and django_settings.CSRF_COOKIE_HTTPONLY


def test_cookies_are_http_only_and_session_only(member):
    client = Client()
    page = client.get(LOGIN)
    csrf = page.cookies[django_settings.CSRF_COOKIE_NAME]
    assert csrf["httponly"] and csrf["samesite"] == "Lax"
    response = client.post(LOGIN, {"username": "anna", "password": PASSWORD})
    session = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert session["httponly"] and session["samesite"] == "Lax"
    assert not session["max-age"] and not session["expires"]  # ends when the browser closes


def test_forms_work_with_the_csrf_cookie_http_only(world):
    """The token reaches the server in the form, never through a script reading the cookie."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["administrator"])
    page = client.get(reverse("goals:term_create")).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    response = client.post(
        reverse("goals:term_create"),
        {"csrfmiddlewaretoken": token, "start_year": 2020, "end_year": 2023},
    )
    assert response.status_code == 302
    refused = client.post(reverse("goals:term_create"), {"start_year": 2024, "end_year": 2027})
    assert refused.status_code == 403


EXPECTED_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


@pytest.mark.parametrize("url", [LOGIN, "/offentligt/", "/offentligt/data/planer.json"])
def test_security_headers_on_every_response(db, client, url):
    response = client.get(url)
    for name, value in EXPECTED_HEADERS.items():
        assert response[name] == value, name
    assert response["Content-Security-Policy"] == POLICY
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_only_the_browsable_api_may_use_inline_styles(world, client_for):
    client = client_for(world.users["reader"])
    browsable = client.get(reverse("api:docs"), HTTP_ACCEPT="text/html")
    assert browsable.status_code == 200
    policy = browsable["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy and "script-src 'self';" in policy
    as_json = client.get(reverse("api:docs"), HTTP_ACCEPT="application/json")
    assert as_json["Content-Security-Policy"] == POLICY


def test_no_inline_script_handler_or_style_in_the_web_templates():
    """Templates the browser sees (the print templates are for WeasyPrint alone)."""
    found = []
    for path in (ROOT / "effekt").rglob("templates/**/*.html"):
        if "print" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (r"<script(?![^>]*\bsrc=)", r"\son[a-z]+\s*=", r"\sstyle\s*=", r"<style"):
            found += [f"{path.relative_to(ROOT)}: {m.group()}" for m in re.finditer(pattern, text)]
    assert not found, found


# --- production -------------------------------------------------------------------------------


def production_env(**extra):
    alphabet = string.ascii_letters + string.digits + "!@#%^&*(-_=+)"
    # A clean environment: nothing from the test run (DJANGO_ALLOW_ASYNC_UNSAFE, DEBUG …).
    env = {k: os.environ[k] for k in ("PATH", "HOME", "LANG") if k in os.environ}
    env.update(
        DJANGO_SETTINGS_MODULE="effekt.settings.production",
        SECRET_KEY="".join(secrets.choice(alphabet) for _ in range(60)),
        ALLOWED_HOSTS="effekt.kommun.example",
        DATABASE_URL="sqlite:////tmp/effekt-deploy-check.sqlite3",
        **extra,
    )
    return env


def run(args, env):
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


def test_the_deploy_check_is_clean_with_production_settings():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env())
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output
    assert "WARNINGS" not in output and "ERRORS" not in output, output


def test_production_cookies_are_secure_and_host_only():
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.LANGUAGE_COOKIE_NAME, "
        "s.EFFEKT_SEEN_COOKIE_NAME, "
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.LANGUAGE_COOKIE_SECURE, "
        "s.SESSION_COOKIE_DOMAIN, s.CSRF_COOKIE_DOMAIN, s.SECURE_HSTS_SECONDS)"
    )
    result = run(["-c", code], production_env())
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "__Host-effekt_session",
        "__Host-effekt_csrftoken",
        "__Host-effekt_language",
        "__Host-effekt_seen",
        "True",
        "True",
        "True",
        "None",
        "None",
        "31536000",
    ]


def test_sign_in_never_redirects_to_a_script(member):
    client = Client()
    response = client.post(
        LOGIN, {"username": "anna", "password": PASSWORD, "next": "javascript:alert(1)"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("home")


# --- hostile text --------------------------------------------------------------------------
#
# Every text a user can write gets the same hostile value: markup that would run a script, a
# `javascript:` address, and a spreadsheet formula at its start. Then every page, document and
# export that shows the text is read back.

HOSTILE = (
    '=HYPERLINK("javascript:alert(1)","Klicka")<script>alert(1)</script>'
    '"><img src=x onerror=alert(1)><a href="javascript:alert(1)">x</a>'
)
SHORT_HOSTILE = '="><img src=x onerror=alert(1)>'  # for fields of 40 or 50 characters
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"


def hostile(label=""):
    return f"{HOSTILE} {label}".strip()


class MarkupFinder(HTMLParser):
    """Elements and attributes that would run a script, in HTML (and inline SVG)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and not attrs.get("src"):
            self.found.append(f"inline <script> {attrs}")
        if tag in {"img", "iframe", "object", "embed"} and attrs.get("src") == "x":
            self.found.append(f"<{tag} src=x>")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name in {"href", "src", "action", "formaction", "xlink:href"} and (
                (value or "").strip().lower().startswith("javascript:")
            ):
                self.found.append(f"<{tag} {name}={value!r}>")


def unsafe_markup(html):
    finder = MarkupFinder()
    finder.feed(html)
    finder.close()
    return finder.found


@pytest.fixture
def hostile_world(world):
    """The municipality with hostile text in every field users write: the vision, the term and
    its strategic goals, an assignment, an adopted plan with an effect goal, an activity,
    comments and a target; an indicator with its KPI, series, notes; a report (returned once, then
    accepted) and an adopted compilation with the office's analyses; the names of organisations
    and users."""
    admin, office = world.users["administrator"], world.users["executive_office"]
    for user in (admin, office):
        user.first_name, user.last_name = hostile("förnamn")[:150], "<b>Efternamn</b>"
        user.save()
    world.social.name = hostile("nämnd")
    world.social.save()
    f.VisionFactory(name=hostile("vision"), text=hostile("visionstext"))
    world.term.name, world.term.description = hostile("period"), hostile("beskrivning")
    world.term.save()
    for goal in world.goals:
        goal.title, goal.description = hostile(f"mål {goal.number}"), hostile("målbeskrivning")
        goal.save()
    assignment = goal_services.assignment_save(
        user=admin,
        data={
            "term": world.term,
            "year": 2017,
            "title": hostile("uppdrag"),
            "description": hostile("uppdragsbeskrivning"),
            "decision_reference": hostile("beslut"),
            "earmarked_amount": 1_000_000,
        },
        recipients=[world.social],
    )
    plan = goal_services.plan_create(
        user=admin,
        organisation=world.social,
        year=2017,
        responsibility=hostile("ansvar"),
        direction=hostile("inriktning"),
    )
    goal = goal_services.effect_goal_create(
        user=admin,
        plan=plan,
        title=hostile("effektmål"),
        description=hostile("effektmålsbeskrivning"),
        strategic_goals=world.goals[:2],
    )
    goal_services.activity_create(
        user=admin,
        effect_goal=goal,
        data={
            "title": hostile("aktivitet"),
            "description": hostile("aktivitetsbeskrivning"),
            "responsible_unit": world.unit,
            "start_date": datetime.date(2017, 1, 1),
            "end_date": datetime.date(2017, 12, 31),
        },
    )
    comment = goal_services.comment_add(
        user=office, plan=plan, text=hostile("fråga"), effect_goal=goal
    )
    goal_services.comment_add(user=admin, plan=plan, text=hostile("svar"), reply_to=comment)

    indicator = indicator_services.indicator_save(
        user=office,
        data={
            "name": hostile("indikator"),
            "unit": SHORT_HOSTILE,
            "description": hostile("indikatorbeskrivning"),
            "council_number": 1,
        },
    )
    indicator_services.kpi_link_save(
        user=office, indicator=indicator, kpi_id="N00001", kpi_title=hostile("nyckeltal")
    )
    indicator_services.series_add(
        user=office,
        indicator=indicator,
        role=Series.Role.COMPARISON,
        area_code="G1",
        area_name=hostile("jämförelsegrupp"),
    )
    for series in indicator.series.all():
        for year in range(2012, 2018):
            indicator_services.measurement_set(
                user=office,
                series=series,
                year=year,
                value=Decimal(50 + year - 2012),
                note=hostile("not")[:300],
            )
    indicator_services.target_save(
        user=admin,
        effect_goal=goal,
        data={"indicator": indicator, "target_value": Decimal(60), "target_year": 2019},
    )
    goal_services.plan_adopt(user=admin, plan=plan, reference=hostile("protokoll")[:200])

    cycle = followup_services.cycle_create(user=office, year=2017)
    annual = cycle.periods.get(kind="annual")
    report = followup_services.report_open(user=admin, organisation=world.social, period=annual)

    def write(report):
        followup_services.report_save(
            user=admin,
            report=report,
            version=report.version,
            mission_results=hostile("uppdragets resultat"),
            goals=[
                {
                    "id": row.pk,
                    "version": row.version,
                    "assessment": "partly",
                    "analysis": hostile("analys"),
                    "reasons": hostile("orsaker"),
                    "actions": hostile("åtgärder"),
                }
                for row in report.assessments.all()
            ],
            assignments=[
                {
                    "id": row.pk,
                    "version": row.version,
                    "progress": "started",
                    "comment": hostile("uppdragskommentar"),
                }
                for row in report.assignment_reports.all()
            ],
        )
        return Report.objects.get(pk=report.pk)

    report = write(report)
    followup_services.report_submit(user=admin, report=report)
    followup_services.report_return(user=office, report=report, comment=hostile("komplettera"))
    report = write(Report.objects.get(pk=report.pk))
    followup_services.report_submit(user=admin, report=report)
    followup_services.report_accept(user=office, report=Report.objects.get(pk=report.pk))
    compilation = followup_services.compilation_create(user=office, period=annual)
    followup_services.compilation_save(
        user=office,
        compilation=compilation,
        version=compilation.version,
        overall_analysis=hostile("övergripande analys"),
        green_threshold=compilation.green_threshold,
        yellow_threshold=compilation.yellow_threshold,
        analyses=[
            {"id": a.pk, "version": a.version, "text": hostile("analys per mål")}
            for a in compilation.goal_analyses.all()
        ],
    )
    followup_services.compilation_adopt(
        user=office,
        compilation=Compilation.objects.get(pk=compilation.pk),
        adopted_on=datetime.date(2018, 4, 16),
        minutes_paragraph=SHORT_HOSTILE,
        case_number=SHORT_HOSTILE,
    )
    return {
        "plan": plan,
        "goal": goal,
        "assignment": assignment,
        "indicator": indicator,
        "annual": annual,
        "report": Report.objects.get(pk=report.pk),
        "compilation": Compilation.objects.get(pk=compilation.pk),
    }


def hostile_pages(world, data):
    plan, goal, report = data["plan"], data["goal"], data["report"]
    compilation, indicator = data["compilation"], data["indicator"]
    return [
        reverse("home"),
        reverse("goals:goal_chain") + "?year=2017",
        reverse("goals:coverage") + "?year=2017",
        reverse("goals:term_list"),
        reverse("goals:term_detail", args=[world.term.pk]),
        reverse("goals:term_edit", args=[world.term.pk]),
        reverse("goals:strategic_goal_detail", args=[world.goals[0].pk]),
        reverse("goals:assignment_list") + "?year=2017",
        reverse("goals:assignment_detail", args=[data["assignment"].pk]),
        reverse("goals:assignment_edit", args=[data["assignment"].pk]),
        reverse("goals:plan_list"),
        reverse("goals:plan_detail", args=[plan.pk]),
        reverse("goals:effect_goal_detail", args=[goal.pk]),
        reverse("organisation_list"),
        reverse("change_log"),
        reverse("object_history", args=["goals.plan", plan.pk]),
        reverse("followup:status_board"),
        reverse("followup:cycle_detail", args=[2017]),
        reverse("followup:period_detail", args=[data["annual"].pk]),
        reverse("followup:report_detail", args=[report.pk]),
        reverse("followup:compilation_detail", args=[compilation.pk]),
        reverse("followup:compilation_report", args=[compilation.pk, report.pk]),
        reverse("indicators:overview"),
        reverse("indicators:indicator_detail", args=[indicator.pk]),
        reverse("indicators:indicator_edit", args=[indicator.pk]),
        reverse("followup:public_index"),
        reverse("followup:public_compilation", args=[2017, "arsredovisning"]),
        reverse("followup:public_report", args=[2017, "arsredovisning", report.pk]),
        reverse("public:plan_list"),
        reverse("public:plan_detail", args=[2017, world.social.pk]),
        reverse("public:indicator_list"),
        reverse("public:indicator_detail", args=[indicator.pk]),
    ]


def test_hostile_text_is_escaped_on_every_page(world, hostile_world, client_for):
    client = client_for(world.users["administrator"])
    problems = []
    for url in hostile_pages(world, hostile_world):
        response = client.get(url)
        html = response.content.decode()
        if response.status_code != 200:
            problems.append(f"{url}: status {response.status_code}")
        elif ESCAPED not in html:
            problems.append(f"{url}: the hostile text is not shown")
        problems += [f"{url}: {found}" for found in unsafe_markup(html)]
    assert not problems, "\n".join(problems)


def test_charts_escape_every_text(world, hostile_world):
    from effekt.indicators.charts import line_chart

    svg = line_chart(
        chart_id="c1",
        title=HOSTILE,
        description=HOSTILE,
        lines=[(HOSTILE, [(2017, 1), (2018, 2)]), (SHORT_HOSTILE, [(2017, 2), (2018, 3)])],
        unit=SHORT_HOSTILE,
        targets=[(2018, 4)],
        breaks=[2018],
    )
    assert not unsafe_markup(svg)
    assert svg.count(ESCAPED) >= 3  # the title, the description and a legend label
    ElementTree.fromstring(svg)  # still well-formed XML


def test_hostile_text_in_pdf_html_and_word(world, hostile_world, client_for):
    from effekt.documents import content, pdf

    compilation, report = hostile_world["compilation"], hostile_world["report"]
    documents = [
        content.plan_document(goal_selectors.plan_detail(plan_id=hostile_world["plan"].pk)),
        content.report_document(followup_selectors.report_detail(report_id=report.pk)),
        content.compilation_document(compilation),
    ]
    for document in documents:
        html = pdf.html(document)
        assert ESCAPED in html, document.kind
        assert not unsafe_markup(html), document.kind
        # The running header is a CSS string: the text cannot close the <style> element.
        style = html.split("<style", 1)[1].split("</style>", 1)[0]
        assert "<script" not in style and "<img" not in style, document.kind

    client = client_for(world.users["administrator"])
    for name, pk in [
        ("documents:plan_docx", hostile_world["plan"].pk),
        ("documents:report_docx", report.pk),
        ("documents:compilation_docx", compilation.pk),
    ]:
        response = client.get(reverse(name, args=[pk]))
        assert response.status_code == 200, name
        with zipfile.ZipFile(io.BytesIO(response.content)) as docx:
            xml = docx.read("word/document.xml").decode()
        ElementTree.fromstring(xml)  # the text did not break the document's XML
        assert ESCAPED in xml, name  # as text, escaped by the XML writer
        instructions = re.findall(r"<w:instrText[^>]*>([^<]*)<", xml)
        assert not [i for i in instructions if "HYPERLINK" in i or "javascript" in i], name
    pdf_response = client.get(reverse("documents:plan_pdf", args=[hostile_world["plan"].pk]))
    assert pdf_response.status_code == 200 and pdf_response.content.startswith(b"%PDF")


def test_hostile_text_is_never_a_formula_in_excel(world, hostile_world, client_for):
    client = client_for(world.users["administrator"])
    indicator = hostile_world["indicator"]
    exports = [
        reverse("public:goal_chain_xlsx") + "?year=2017",
        reverse("public:period_assessments_xlsx", args=[hostile_world["annual"].pk]),
        reverse("public:indicators_xlsx"),
        reverse("public:indicator_xlsx", args=[indicator.pk]),
    ]
    for url in exports:
        response = client.get(url)
        assert response.status_code == 200, url
        with zipfile.ZipFile(io.BytesIO(response.content)) as book:
            sheets = [n for n in book.namelist() if n.startswith("xl/worksheets/")]
            xml = "".join(book.read(n).decode() for n in sheets)
        assert "<f>" not in xml and "<f " not in xml, url  # no cell is a formula
        values = [
            cell.value
            for ws in load_workbook(io.BytesIO(response.content)).worksheets
            for row in ws.iter_rows()
            for cell in row
            if isinstance(cell.value, str) and "HYPERLINK" in cell.value
        ]
        assert values, url
        assert any(v.startswith(HOSTILE) for v in values), url  # the text itself, unchanged


@pytest.mark.parametrize(
    "name,args",
    [
        ("public:plans_csv", []),
        ("public:effect_goals_csv", []),
        ("public:activities_csv", []),
        ("public:indicators_csv", []),
        ("public:compilations_csv", []),
        ("public:compilation_csv", [2017, "arsredovisning"]),
        ("public:attainment_csv", [2017, "arsredovisning"]),
    ],
)
def test_open_data_csv_defuses_formulas(world, hostile_world, client, name, args):
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text), delimiter=";") for cell in row]
    formulas = [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert not [c for c in formulas if not re.fullmatch(r"-\d+(,\d+)?", c)], name  # numbers pass
    if name not in {"public:compilations_csv", "public:indicators_csv"}:
        assert any(c.startswith("'=HYPERLINK") or c.startswith("'=\"><img") for c in cells)


def test_a_workbook_writes_text_as_text_even_after_cleaning():
    """openpyxl makes any string starting with "=" a formula; the control character that hides
    it from a naive check is removed before the cell is written, so the check is on the cell."""
    from effekt.documents.excel_export import Column, Sheet, workbook

    data = workbook([Sheet("Blad", [Column("Text")], [["\x01=1+1"], ["=SUM(A1:A2)"], ["+1"]])])
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        xml = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml
    values = [c.value for c in load_workbook(io.BytesIO(data)).active["A"]]
    assert values == ["Text", "=1+1", "=SUM(A1:A2)", "+1"]
