"""Who may read and who may write, for every role and every page: the access matrix.

One data set (two boards, each with a draft and an adopted plan, reports in draft, submitted and
accepted, a compilation in draft and an adopted one, indicators) and one table of cases: a URL
filled with the ids of one object, which roles read it (200), for which it does not exist (404),
and which roles' POST changes something. Every other signed-in role gets 403, anonymous visitors
are sent to sign in, and a refused POST leaves the database exactly as it was. Each case runs in a
savepoint that is rolled back, so the cases do not depend on each other.

`test_every_url_is_in_the_matrix` fails when a URL pattern exists that no case covers: a new page
has to say who may read and write it. The REST API has its own matrix in
test_access_matrix_api.py, built on the data set here.
"""

import copy
import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal

import openpyxl
import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse

from effekt.documents import views_documents
from effekt.followup import services as followup
from effekt.followup.models import Period, Report
from effekt.goals.models import Plan
from effekt.indicators import services as indicators
from effekt.indicators.models import Target
from effekt.organisations.models import Organisation

from . import factories as f
from .test_public import accept, adopt, fill

ROLES = [
    "anonymous",
    "nobody",
    "reader",
    "auditor",
    "unit_editor",
    "organisation_editor",
    "other_editor",
    "executive_office",
    "administrator",
]
SIGNED_IN = frozenset(ROLES[1:])
OFFICE = frozenset({"executive_office", "administrator"})
READS_ALL = OFFICE | {"auditor"}
SOCIAL_READERS = READS_ALL | {"reader", "unit_editor", "organisation_editor"}
SCHOOL_READERS = READS_ALL | {"other_editor"}
NOT_SOCIAL = SIGNED_IN - SOCIAL_READERS  # for them the social board's drafts do not exist
NOT_SCHOOL = SIGNED_IN - SCHOOL_READERS
SOCIAL_WRITERS = frozenset({"administrator", "organisation_editor"})
SCHOOL_WRITERS = frozenset({"administrator", "other_editor"})
NOBODY = frozenset()

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml"
LOGIN = "login"  # expected: a redirect to the sign-in page
# Words only the boards' drafts (plans, and reports not accepted) contain.
SECRETS = {
    "social": ["Socialt utkastmål", "Utkastanalys Socialnämnden", "Inskickad analys Socialnämnden"],
    "school": ["Skolans utkastmål", "Utkastanalys Skolnämnden", "Inskickad analys Skolnämnden"],
}
EFFEKT_APPS = {"core", "organisations", "goals", "followup", "indicators"}


# --- the data set ----------------------------------------------------------------------------


@dataclass
class Data:
    world: object
    objects: dict = field(default_factory=dict)

    def __getattr__(self, name):
        try:
            return self.objects[name]
        except KeyError as exc:
            raise AttributeError(name) from exc


def _plan(world, organisation, year, unit, *, adopted, title):
    plan = f.PlanFactory(
        organisation=organisation,
        year=year,
        status=Plan.Status.ADOPTED if adopted else Plan.Status.DRAFT,
        adopted_at=datetime.date(year - 1, 12, 14) if adopted else None,
    )
    goal = f.EffectGoalFactory(plan=plan, number=1, title=title, strategic_goals=[world.goals[0]])
    activity = f.ActivityFactory(
        effect_goal=goal, title=f"Aktivitet: {title}", responsible_unit=unit
    )
    comment = f.CommentFactory(plan=plan, effect_goal=goal)
    return plan, goal, activity, comment


def _submitted(world, organisation, period, analysis):
    admin = world.users["administrator"]
    report = followup.report_open(user=admin, organisation=organisation, period=period)
    fill(admin, report, analysis)
    followup.report_submit(user=admin, report=report)
    return Report.objects.get(pk=report.pk)


def build(world):
    """Plans 2017 adopted and 2018 draft for both boards; 2017's interim reports accepted and the
    compilation adopted; 2017's annual reports complete but draft, its compilation a draft;
    2018's interim reports submitted, 2018's annual not started; a council indicator and a measure
    of each board, with targets on the draft effect goals."""
    office, admin = world.users["executive_office"], world.users["administrator"]
    school_unit = f.OrganisationFactory(
        name="Skolenheten", kind=Organisation.Kind.UNIT, parent=world.school
    )
    o = {"school_unit": school_unit}
    for key, organisation, unit in (
        ("social", world.social, world.unit),
        ("school", world.school, school_unit),
    ):
        marker = "Socialt utkastmål" if key == "social" else "Skolans utkastmål"
        for state, year, title in (
            ("adopted", 2017, f"Antaget mål för {organisation.name}"),
            ("draft", 2018, marker),
        ):
            plan, goal, activity, comment = _plan(
                world, organisation, year, unit, adopted=state == "adopted", title=title
            )
            o[f"{key}_{state}"] = plan
            o[f"{key}_{state}_goal"] = goal
            o[f"{key}_{state}_activity"] = activity
            o[f"{key}_{state}_comment"] = comment
    o["assignment"] = f.AssignmentFactory(
        term=world.term, year=2017, recipients=[world.social, world.school]
    )
    o["vision"] = f.VisionFactory()
    o["spare_term"] = f.TermFactory(start_year=2030, end_year=2033)
    o["spare_assignment"] = f.AssignmentFactory(
        term=world.term, year=2019, recipients=[world.school]
    )
    for key, organisation, unit in (
        ("social", world.social, world.unit),
        ("school", world.school, school_unit),
    ):  # drafts nothing refers to, to be deleted
        plan, goal, _activity, _comment = _plan(
            world, organisation, 2016, unit, adopted=False, title="Utkast att ta bort"
        )
        o[f"{key}_spare"], o[f"{key}_spare_goal"] = plan, goal

    cycle = followup.cycle_create(user=office, year=2017)
    next_cycle = followup.cycle_create(user=office, year=2018)
    o["interim"] = cycle.periods.get(kind=Period.Kind.INTERIM)
    o["annual"] = cycle.periods.get(kind=Period.Kind.ANNUAL)
    o["next_interim"] = next_cycle.periods.get(kind=Period.Kind.INTERIM)
    o["next_annual"] = next_cycle.periods.get(kind=Period.Kind.ANNUAL)
    o["step"] = next_cycle.steps.order_by("number").first()
    for key, organisation in (("social", world.social), ("school", world.school)):
        o[f"{key}_accepted"] = accept(world, organisation, o["interim"], "Godkänd analys")
        report = followup.report_open(user=admin, organisation=organisation, period=o["annual"])
        fill(admin, report, f"Utkastanalys {organisation.name}")
        o[f"{key}_report"] = Report.objects.get(pk=report.pk)
        o[f"{key}_submitted"] = _submitted(
            world, organisation, o["next_interim"], f"Inskickad analys {organisation.name}"
        )
    o["adopted_compilation"] = adopt(world, o["interim"])
    o["draft_compilation"] = followup.compilation_create(user=office, period=o["annual"])
    o["spare_goal"] = f.StrategicGoalFactory(term=world.term, number=6)

    o["council_indicator"] = indicators.indicator_save(
        user=office,
        data={"name": "Trygghet", "unit": "%", "higher_is_better": True, "council_number": 4},
    )
    indicators.measurement_set(
        user=office, series=o["council_indicator"].series.get(), year=2016, value=Decimal("60")
    )
    for key, organisation in (("social", world.social), ("school", world.school)):
        measure = indicators.indicator_save(
            user=admin, data={"name": f"Mått för {organisation.name}", "owner": organisation}
        )
        o[f"{key}_measure"] = measure
        o[f"{key}_series"] = measure.series.get()
        o[f"{key}_target"] = Target.objects.create(
            effect_goal=o[f"{key}_draft_goal"],
            indicator=measure,
            target_value=Decimal("70"),
            target_year=2019,
        )
    return Data(world, o)


# --- cases -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One URL filled with one object's ids, and who may do what with it."""

    name: str  # the URL pattern's name, as reverse() takes it
    kwargs: object = None  # Data -> the URL's keyword arguments
    label: str = ""
    read: frozenset = SIGNED_IN  # roles whose GET answers 200
    hidden: frozenset = NOBODY  # roles for which the object does not exist (404)
    write: frozenset | None = None  # roles whose POST changes the data (None: no POST checked)
    payload: object = None  # Data -> the POST's body
    public: bool = False  # no sign-in needed
    post_only: bool = False  # GET is refused with 405
    get_status: int | None = None  # every role's GET answers this (a redirect, a fixed 404)
    special: tuple = ()  # ((role, GET status, POST status), ...) where a role differs

    @property
    def id(self):
        return f"{self.name}[{self.label}]" if self.label else self.name

    def url(self, data):
        return reverse(self.name, kwargs=self.kwargs(data) if self.kwargs else None)

    def expected_get(self, role):
        for who, get, _post in self.special:
            if who == role and get is not None:
                return get
        if self.post_only:
            return LOGIN if role == "anonymous" and not self.public else 405
        if self.get_status is not None and (self.public or role != "anonymous"):
            return self.get_status
        if self.public:
            return 200
        if role == "anonymous":
            return LOGIN
        if role in self.hidden:
            return 404
        return 200 if role in self.read else 403

    def expected_post(self, role):
        """(status, whether the data changes); status None: no POST for this role."""
        for who, _get, post in self.special:
            if who == role:
                return post, role in self.write
        if role == "anonymous" and not self.public:
            return LOGIN, False
        if role in self.write:
            return 302, True
        return (404 if role in self.hidden else 403), False


def form(name, kwargs, payload, write, *, label="", hidden=NOBODY, read=None, **extra):
    """A page with a form: those who may write see it, and their POST changes the data."""
    return Case(
        name,
        kwargs,
        label,
        read=write if read is None else read,
        hidden=hidden,
        write=write,
        payload=payload,
        **extra,
    )


def post(name, kwargs, write, *, label="", hidden=NOBODY, payload=None, **extra):
    """A POST-only action (a button)."""
    return Case(
        name,
        kwargs,
        label,
        hidden=hidden,
        write=write,
        payload=payload or (lambda d: {}),
        post_only=True,
        **extra,
    )


def pk(key, name="pk"):
    """The keyword argument `name` of a URL: the id of the data set's object `key`."""
    return lambda d: {name: d.objects[key].pk}


def _report_payload(report):
    report = Report.objects.get(pk=report.pk)
    body = {"report-version": report.version, "report-mission_results": "Ny text"}
    for row in report.assessments.all():
        body |= {
            f"goal-{row.pk}-version": row.version,
            f"goal-{row.pk}-assessment": "fulfilled",
            f"goal-{row.pk}-analysis": "Ny analys",
            f"goal-{row.pk}-reasons": "",
            f"goal-{row.pk}-actions": "",
        }
    for row in report.assignment_reports.all():
        body |= {
            f"assignment-{row.pk}-version": row.version,
            f"assignment-{row.pk}-progress": "started",
            f"assignment-{row.pk}-comment": "",
        }
    return body


def _compilation_payload(compilation):
    compilation.refresh_from_db()
    body = {
        "compilation-version": compilation.version,
        "compilation-overall_analysis": "Samlad analys",
        "compilation-green_threshold": "80",
        "compilation-yellow_threshold": "50",
    }
    for analysis in compilation.goal_analyses.all():
        body |= {
            f"analysis-{analysis.pk}-version": analysis.version,
            f"analysis-{analysis.pk}-text": "Analys",
        }
    return body


def ACTIVITY(d):
    """A new activity for the unit of the plan's board (the data set's plans run 2016-2018)."""
    return {
        "title": "Ny aktivitet",
        "description": "",
        "responsible_unit": d.world.unit.pk,
        "start_date": "2018-01-01",
        "end_date": "2018-06-30",
    }


def _indicator_payload(owner):
    return lambda d: {
        "name": "Nytt mått",
        "description": "",
        "unit": "%",
        "higher_is_better": "on",
        "source": "manual",
        "owner": getattr(d.world, owner).pk,
    }


def _history(model, key):
    return lambda d: {"model": model, "pk": d.objects[key].pk}


def _public_kind(kind, report_key=None):
    def kwargs(d):
        found = {"year": 2017, "kind": kind}
        if report_key:
            found["report_id"] = d.objects[report_key].pk
        return found

    return kwargs


def body(**fields):
    """A POST body that needs nothing of the data set."""
    return lambda d: fields


def GOAL_TEXTS(d):
    return {"title": "Ändrat mål", "description": "", "strategic_goals": [d.world.goals[0].pk]}


def NEW_GOAL(d):
    return {"title": "Nytt mål", "strategic_goals": [d.world.goals[2].pk]}


def TARGET(d):
    return {"indicator": d.council_indicator.pk, "target_value": "72", "target_year": "2019"}


NOTHING = body()
PLAN_TEXTS = body(responsibility="Nytt ansvar", direction="Ny riktning")
ADOPTION = body(adopted_at="2017-12-15", reference="§ 1")
REASON = body(reason="Nytt beslut")
RETURN = body(comment="Mer")
COUNCIL = body(adopted_on="2018-04-20", minutes_paragraph="KF § 1", case_number="KS1")
INDICATOR_WRITERS = OFFICE | {"organisation_editor", "other_editor"}
SOCIAL_MEASURE_WRITERS = OFFICE | {"organisation_editor"}
UNIT_WRITERS = SOCIAL_WRITERS | {"unit_editor"}


def draft(name, org, kwargs, label="", **extra):
    """A page of a draft of `org`: read by its readers, not there for anyone else."""
    return Case(
        name, kwargs, label or f"{org} draft", read=READERS[org], hidden=HIDDEN[org], **extra
    )


def draft_form(name, org, kwargs, payload, write=None, label=""):
    """A form on a draft of `org`: its writers may, its other readers are refused (403)."""
    write = WRITERS[org] if write is None else write
    return form(name, kwargs, payload, write, label=label or f"{org} draft", hidden=HIDDEN[org])


def draft_post(name, org, kwargs, write=None, label="", payload=None):
    """A button on a draft of `org`."""
    write = WRITERS[org] if write is None else write
    return post(
        name, kwargs, write, label=label or f"{org} draft", hidden=HIDDEN[org], payload=payload
    )


READERS = {"social": SOCIAL_READERS, "school": SCHOOL_READERS}
HIDDEN = {"social": NOT_SOCIAL, "school": NOT_SCHOOL}
WRITERS = {"social": SOCIAL_WRITERS, "school": SCHOOL_WRITERS}
BOTH = ("social", "school")
EVERYONE = tuple(ROLES)

# fmt: off
PAGES = [
    # --- signing in, language, history, organisations, the start page, health
    Case("login", public=True),
    post("logout", None, NOBODY, public=True, special=tuple((r, 405, 302) for r in EVERYONE)),
    Case("set_language", public=True, get_status=302, write=NOBODY, payload=lambda d: {"language": "en", "next": "/"},
         special=tuple((r, None, 302) for r in EVERYONE)),
    Case("home", public=True),
    Case("health_live", public=True),
    Case("health_ready", public=True),
    Case("change_log", read=READS_ALL),
    draft("object_history", "social", _history("goals.plan", "social_draft"), "social draft plan"),
    draft("object_history", "school", _history("goals.activity", "school_draft_activity"), "school draft activity"),
    draft("object_history", "social", _history("followup.report", "social_report"), "social draft report"),
    Case("object_history", _history("goals.plan", "school_adopted"), "school adopted plan"),
    Case("organisation_list"),
    # --- the goal chain and the council's level: everyone reads, the executive office writes
    Case("goals:goal_chain"),
    Case("goals:coverage"),
    Case("goals:term_list"),
    Case("goals:term_detail", lambda d: {"pk": d.world.term.pk}),
    form("goals:term_create", None, lambda d: {"start_year": 2020, "end_year": 2023}, OFFICE),
    form("goals:term_edit", lambda d: {"pk": d.world.term.pk}, lambda d: {"start_year": 2016, "end_year": 2019, "name": "Ny"}, OFFICE),
    form("goals:term_delete", pk("spare_term"), NOTHING, OFFICE),
    Case("goals:strategic_goal_detail", lambda d: {"pk": d.world.goals[0].pk}),
    form("goals:strategic_goal_create", lambda d: {"term_pk": d.world.term.pk}, lambda d: {"title": "Nytt strategiskt mål"}, OFFICE),
    form("goals:strategic_goal_edit", lambda d: {"pk": d.world.goals[1].pk}, lambda d: {"number": 2, "title": "Ändrat"}, OFFICE),
    form("goals:strategic_goal_delete", pk("spare_goal"), NOTHING, OFFICE),
    form("goals:vision_create", None, lambda d: {"name": "Vision 2040", "horizon_year": 2040}, OFFICE),
    form("goals:vision_edit", pk("vision"), lambda d: {"name": "Vision 2030", "horizon_year": 2030, "text": "Ny"}, OFFICE),
    Case("goals:assignment_list"),
    Case("goals:assignment_detail", pk("assignment")),
    form("goals:assignment_create", None, lambda d: {"term": d.world.term.pk, "year": 2018, "title": "Nytt uppdrag",
                                                     "recipients": [d.world.school.pk], "earmarked_amount": 1000}, OFFICE),
    form("goals:assignment_edit", pk("assignment"), lambda d: {"term": d.world.term.pk, "year": 2017, "title": "Ändrat uppdrag",
                                                               "recipients": [d.world.social.pk]}, OFFICE),
    form("goals:assignment_delete", pk("spare_assignment"), NOTHING, OFFICE),
    # --- plans, effect goals, activities, measures: each board its own drafts
    Case("goals:plan_list"),
    # the school's editor may create plans, but not the social board's: the form refuses the choice
    form("goals:plan_create", None, lambda d: {"organisation": d.world.social.pk, "year": 2019}, SOCIAL_WRITERS,
         read=SOCIAL_WRITERS | SCHOOL_WRITERS, special=(("other_editor", None, 400),)),
    *[draft("goals:plan_detail", org, pk(f"{org}_draft")) for org in BOTH],
    Case("goals:plan_detail", pk("social_adopted"), "social adopted"),
    *[
        draft_form(name, org, pk(f"{org}_{key}", arg), payload)
        for name, key, arg, payload in (
            ("goals:plan_edit", "draft", "pk", PLAN_TEXTS),
            ("goals:plan_delete", "spare", "pk", NOTHING),
            ("goals:plan_adopt", "draft", "pk", ADOPTION),
            ("goals:plan_copy_forward", "draft", "pk", lambda d: {"organisation": ""}),
            ("goals:effect_goal_create", "draft", "plan_pk", NEW_GOAL),
            ("goals:effect_goal_edit", "draft_goal", "pk", GOAL_TEXTS),
            ("goals:effect_goal_delete", "spare_goal", "pk", NOTHING),
            ("indicators:target_create", "draft_goal", "goal_pk", TARGET),
            ("indicators:target_edit", "target", "pk", TARGET),
        )
        for org in BOTH
    ],
    # a unit editor writes the activities of its unit (Jobbcentrum) in its board's draft
    *[
        draft_form(name, org, pk(f"{org}_{key}", arg), payload, write)
        for name, key, arg, payload in (
            ("goals:activity_create", "draft_goal", "effect_goal_pk", ACTIVITY),
            ("goals:activity_edit", "draft_activity", "pk", ACTIVITY),
            ("goals:activity_delete", "draft_activity", "pk", NOTHING),
        )
        for org, write in (("social", UNIT_WRITERS), ("school", SCHOOL_WRITERS))
    ],
    # adopted plans are read by everyone and changed by no one until reopened
    form("goals:plan_edit", pk("social_adopted"), PLAN_TEXTS, NOBODY, label="social adopted"),
    form("goals:plan_adopt", pk("school_adopted"), ADOPTION, NOBODY, label="school adopted"),
    form("goals:effect_goal_edit", pk("social_adopted_goal"), GOAL_TEXTS, NOBODY, label="social adopted"),
    form("goals:activity_edit", pk("social_adopted_activity"), ACTIVITY, NOBODY, label="social adopted"),
    form("indicators:target_create", pk("social_adopted_goal", "goal_pk"), TARGET, NOBODY, label="social adopted"),
    form("goals:plan_reopen", pk("social_adopted"), REASON, OFFICE, label="social adopted"),
    draft_form("goals:plan_reopen", "school", pk("school_draft"), REASON, NOBODY),
    Case("goals:effect_goal_detail", pk("school_adopted_goal"), "school adopted"),
    *[draft("goals:effect_goal_detail", org, pk(f"{org}_draft_goal")) for org in BOTH],
    # the executive office comments, the board answers
    draft_post("goals:comment_add", "social", pk("social_draft"), OFFICE, payload=lambda d: {"text": "Hur mäts effekten?"}),
    draft_post("goals:comment_add", "school", pk("school_draft"), OFFICE | {"other_editor"}, "school draft, a reply",
               payload=lambda d: {"text": "Så här.", "reply_to": d.school_draft_comment.pk}),
    post("goals:comment_add", pk("social_adopted"), OFFICE, label="social adopted", payload=lambda d: {"text": "Hur gick det?"}),
    # --- follow-up: the cycle, periods, steps and reminders are the executive office's
    form("followup:cycle_list", None, lambda d: {"year": 2019}, OFFICE, read=SIGNED_IN),
    Case("followup:status_board"),
    Case("followup:cycle_detail", lambda d: {"year": 2017}),
    form("followup:period_detail", pk("next_interim"), NOTHING, OFFICE, read=SIGNED_IN),
    form("followup:period_edit", pk("next_interim"), lambda d: {"ends_on": "2018-08-31", "deadline": "2018-09-20"}, OFFICE),
    form("followup:step_edit", pk("step"), lambda d: {"starts_on": d.step.starts_on.isoformat(),
                                                      "ends_on": (d.step.ends_on + datetime.timedelta(days=1)).isoformat()}, OFFICE),
    post("followup:send_reminders", pk("annual"), OFFICE),
    # --- reports: the board writes and submits, the executive office returns or accepts
    *[form("followup:report_start", lambda d, org=org: {"period_pk": d.next_annual.pk, "organisation_pk": getattr(d.world, org).pk},
           NOTHING, WRITERS[org], label=org, read=SIGNED_IN) for org in BOTH],
    # an existing report: its readers are sent to it, for anyone else it is not there (not its id)
    Case("followup:report_start", lambda d: {"period_pk": d.objects["social_report"].period_id, "organisation_pk": d.world.social.pk},
         "existing social draft", get_status=302, special=tuple((role, 404, None) for role in NOT_SOCIAL)),
    draft("followup:report_detail", "social", pk("social_report")),
    draft("followup:report_detail", "school", pk("school_submitted"), "school submitted"),
    Case("followup:report_detail", pk("social_accepted"), "social accepted"),
    *[draft_form("followup:report_edit", org, pk(f"{org}_report"), lambda d, org=org: _report_payload(d.objects[f"{org}_report"]))
      for org in BOTH],
    draft_form("followup:report_edit", "social", pk("social_submitted"), lambda d: _report_payload(d.social_submitted), NOBODY,
               "social submitted"),
    *[draft_post("followup:report_submit", org, pk(f"{org}_report")) for org in BOTH],
    draft_form("followup:report_return", "social", pk("social_submitted"), RETURN, OFFICE, "social submitted"),
    draft_form("followup:report_return", "school", pk("school_report"), RETURN, NOBODY),
    draft_post("followup:report_accept", "school", pk("school_submitted"), OFFICE, "school submitted"),
    draft_post("followup:report_accept", "social", pk("social_report"), NOBODY),
    # --- compilations: read by everyone signed in, written by the executive office until adopted
    Case("followup:compilation_detail", pk("draft_compilation"), "draft"),
    Case("followup:compilation_detail", pk("adopted_compilation"), "adopted"),
    form("followup:compilation_edit", pk("draft_compilation"), lambda d: _compilation_payload(d.draft_compilation), OFFICE, label="draft"),
    form("followup:compilation_edit", pk("adopted_compilation"), lambda d: _compilation_payload(d.adopted_compilation), NOBODY,
         label="adopted"),
    form("followup:compilation_adopt", pk("draft_compilation"), COUNCIL, OFFICE, label="draft"),
    form("followup:compilation_adopt", pk("adopted_compilation"), COUNCIL, NOBODY, label="adopted"),
    Case("followup:compilation_report", lambda d: {"pk": d.adopted_compilation.pk, "report_id": d.school_accepted.pk}, "adopted"),
    # a draft compilation sends to the live report, which answers as report_detail does
    Case("followup:compilation_report", lambda d: {"pk": d.draft_compilation.pk, "report_id": d.school_report.pk}, "draft",
         get_status=302),
    # --- indicators: everyone reads; the council's are the office's, a board's measures the board's
    Case("indicators:overview"),
    Case("indicators:excel_template"),
    Case("indicators:indicator_detail", pk("council_indicator"), "council"),
    Case("indicators:indicator_detail", pk("school_measure"), "school measure"),
    form("indicators:indicator_create", None, _indicator_payload("social"), SOCIAL_MEASURE_WRITERS, read=INDICATOR_WRITERS,
         label="a social measure"),
    form("indicators:indicator_create", None, _indicator_payload("school"), OFFICE | {"other_editor"}, read=INDICATOR_WRITERS,
         label="a school measure"),
    form("indicators:indicator_create", None, lambda d: {"name": "Nytt", "unit": "%", "source": "manual", "council_number": 9},
         OFFICE, read=INDICATOR_WRITERS, label="a council indicator"),
    form("indicators:indicator_edit", pk("council_indicator"),
         lambda d: {"name": "Trygghet", "unit": "%", "source": "manual", "council_number": 4}, OFFICE, label="council"),
    form("indicators:indicator_edit", pk("social_measure"), _indicator_payload("social"), SOCIAL_MEASURE_WRITERS, label="social measure"),
    form("indicators:indicator_edit", pk("social_measure"), _indicator_payload("school"), OFFICE, read=SOCIAL_MEASURE_WRITERS,
         label="social measure handed to the school"),
    form("indicators:measurement_add", pk("social_measure"), lambda d: {"series": d.social_series.pk, "year": 2019, "value": "5"},
         SOCIAL_MEASURE_WRITERS, label="social measure"),
    form("indicators:measurement_add", pk("school_measure"), lambda d: {"series": d.school_series.pk, "year": 2019, "value": "5"},
         OFFICE | {"other_editor"}, label="school measure"),
    form("indicators:series_add", pk("social_measure"), lambda d: {"role": "comparison", "area_code": "G1", "area_name": "Liknande",
                                                                   "gender": "T"}, SOCIAL_MEASURE_WRITERS, label="social measure"),
    form("indicators:kpi_link_add", pk("council_indicator"), lambda d: {"kpi_id": "N15428"}, OFFICE, label="council"),
    # a file is needed: without one, those who may import get the form back (400)
    form("indicators:excel_import", None, NOTHING, NOBODY, read=INDICATOR_WRITERS,
         special=tuple((r, None, 400) for r in INDICATOR_WRITERS)),
    # fetching from Kolada would use the network: only the refusals are asked here
    post("indicators:kolada_fetch", pk("social_measure"), NOBODY, special=tuple((r, None, None) for r in SOCIAL_MEASURE_WRITERS)),
    # --- documents: as the pages
    draft("documents:plan_pdf", "school", pk("school_draft")),
    draft("documents:plan_docx", "social", pk("social_draft")),
    Case("documents:plan_docx", pk("school_adopted"), "school adopted"),
    draft("documents:report_pdf", "social", pk("social_report")),
    draft("documents:report_docx", "school", pk("school_submitted"), "school submitted"),
    Case("documents:report_docx", pk("social_accepted"), "social accepted"),
    Case("documents:compilation_pdf", pk("adopted_compilation"), "adopted"),
    Case("documents:compilation_docx", pk("draft_compilation"), "draft"),
    # --- Excel exports: signed in; what is in them is checked in test_pages
    Case("public:goal_chain_xlsx"),
    Case("public:period_assessments_xlsx", pk("annual")),
    Case("public:indicators_xlsx"),
    Case("public:indicator_xlsx", pk("social_measure")),
    # --- public pages and open data: no sign-in, and only what is adopted
    Case("followup:public_index", public=True),
    Case("followup:public_compilation", _public_kind("delarsrapport"), "adopted", public=True),
    Case("followup:public_compilation", _public_kind("arsredovisning"), "draft", public=True, get_status=404),
    Case("followup:public_report", _public_kind("delarsrapport", "social_accepted"), "adopted", public=True),
    Case("followup:public_report", _public_kind("arsredovisning", "social_report"), "draft", public=True, get_status=404),
    Case("documents:public_compilation_pdf", _public_kind("delarsrapport"), "adopted", public=True),
    Case("documents:public_compilation_docx", _public_kind("arsredovisning"), "draft", public=True, get_status=404),
    Case("public:plan_list", public=True),
    Case("public:plan_detail", lambda d: {"year": 2017, "organisation_id": d.world.social.pk}, "adopted", public=True),
    Case("public:plan_detail", lambda d: {"year": 2018, "organisation_id": d.world.school.pk}, "draft", public=True, get_status=404),
    Case("public:indicator_list", public=True),
    Case("public:indicator_detail", pk("council_indicator"), "council", public=True),
    Case("public:indicator_detail", pk("social_measure"), "a board's measure", public=True, get_status=404),
    Case("public:open_data", public=True),
    *[Case(f"public:{name}", public=True) for name in (
        "plans_csv", "plans_json", "effect_goals_csv", "activities_csv", "indicators_csv", "indicators_json", "trends_csv",
        "compilations_csv", "compilations_json")],
    Case("public:compilation_csv", _public_kind("delarsrapport"), "adopted", public=True),
    Case("public:compilation_json", _public_kind("arsredovisning"), "draft", public=True, get_status=404),
    Case("public:attainment_csv", _public_kind("delarsrapport"), "adopted", public=True),
    Case("public:attainment_csv", _public_kind("arsredovisning"), "draft", public=True, get_status=404),
]
# fmt: on


# --- running a case --------------------------------------------------------------------------


def fingerprint():
    """Everything a write can change, in one query: the number of rows of every model (the
    change log's included, which grows with every change a domain operation makes)."""
    quote = connection.ops.quote_name
    tables = sorted(m._meta.db_table for m in apps.get_models() if m._meta.app_label in EFFEKT_APPS)
    counts = ", ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")  # noqa: S608 - table names from the models
        return dict(zip(tables, cursor.fetchone(), strict=True))


def client_as(data, role):
    client = Client()
    if role != "anonymous":
        client.force_login(data.world.users[role])
    return client


def outcome(response, expected):
    """A problem with the response, or '' when it is as expected."""
    status = response.status_code
    if expected == LOGIN:
        location = response.get("Location", "")
        ok = status == 302 and location.startswith(reverse("login"))
        return "" if ok else f"expected a redirect to sign in, got {status} {location}"
    if status != expected:
        return f"expected {expected}, got {status} {response.get('Location', '')}"
    if expected == 302 and response["Location"].startswith(reverse("login")):
        return "sent to sign in instead of the page"
    return ""


def send(client, method, url, body=None):
    """A request that leaves the client as it was (signed in, no messages kept)."""
    cookies = copy.deepcopy(client.cookies)
    response = getattr(client, method)(url, body) if body is not None else client.get(url)
    client.cookies = cookies
    return response


def check(case, data, client, role):
    """The problems found for one role with one case (each request rolled back after)."""
    problems = []
    url = case.url(data)
    with transaction.atomic():
        problem = outcome(send(client, "get", url), case.expected_get(role))
        if problem:
            problems.append(f"GET {url}: {problem}")
        transaction.set_rollback(True)
    if case.write is None:
        return problems
    status, changes = case.expected_post(role)
    if status is None:
        return problems
    with transaction.atomic():
        body = case.payload(data)
        before = fingerprint()
        problem = outcome(send(client, "post", url, body), status)
        changed = fingerprint() != before
        transaction.set_rollback(True)
    if problem:
        problems.append(f"POST {url}: {problem}")
    if changed != changes:
        problems.append(f"POST {url}: " + ("nothing changed" if changes else "the data changed"))
    return problems


class Printed:
    """Documents are printed, but not typeset: this matrix is about who gets them, and
    test_documents.py reads what is in them."""

    CONTENT_TYPE = "application/octet-stream"

    @staticmethod
    def render(document):
        return document.filename.encode()


@pytest.fixture
def data(world, monkeypatch):
    for fmt in ("pdf", "docx"):
        monkeypatch.setitem(views_documents.RENDERERS, fmt, Printed)
    return build(world)


# --- what lists and public pages show ----------------------------------------------------------


def _internal_lists(d):
    """Signed-in pages that show many organisations' things at once."""
    return [
        "/",
        "/malkedja/?year=2018",
        "/tackning/?year=2018",
        "/planer/",
        "/planer/?year=2018",
        "/uppfoljning/status/",
        reverse("goals:strategic_goal_detail", args=[d.world.goals[0].pk]),
        reverse("goals:term_detail", args=[d.world.term.pk]),
        reverse("followup:compilation_detail", args=[d.draft_compilation.pk]),
        reverse("followup:period_detail", args=[d.next_interim.pk]),
        reverse("indicators:indicator_detail", args=[d.social_measure.pk]),
        reverse("indicators:indicator_detail", args=[d.school_measure.pk]),
        reverse("followup:report_detail", args=[d.school_accepted.pk]),
        reverse("public:goal_chain_xlsx") + "?year=2018",
        reverse("public:period_assessments_xlsx", args=[d.annual.pk]),
        reverse("public:period_assessments_xlsx", args=[d.next_interim.pk]),
        reverse("public:indicators_xlsx"),
        reverse("public:indicator_xlsx", args=[d.social_measure.pk]),
    ]


def _public_pages(d):
    return [
        case.url(d)
        for case in PAGES
        if case.public
        and case.name.startswith(("public:", "followup:public"))
        and not case.get_status
    ]


def _text(response):
    """The response's text; of a workbook, the text of every cell."""
    body = b"".join(response) if response.streaming else response.content
    if not response["Content-Type"].startswith(XLSX):
        return body.decode()
    workbook = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
    return "\n".join(
        str(value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


def unreadable(role):
    """The words of the drafts `role` may not read."""
    return [
        word
        for org, readers in (("social", SOCIAL_READERS), ("school", SCHOOL_READERS))
        if role not in readers
        for word in SECRETS[org]
    ]


def shown_secrets(data, client, role):
    """[(url, drafts' words shown that `role` may not read)] of the lists and public pages."""
    everything = SECRETS["social"] + SECRETS["school"]
    pages = [(url, everything) for url in _public_pages(data)]
    if role != "anonymous":
        pages += [(url, unreadable(role)) for url in _internal_lists(data)]
    found = []
    for url, secret in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = _text(response)
        found += [(url, word) for word in secret if word in text]
    return found


@pytest.mark.parametrize("role", ROLES)
def test_pages(data, role, subtests):
    """Every case of the matrix for `role`; then the lists and public pages show no drafts
    `role` may not read."""
    client = client_as(data, role)
    for case in PAGES:
        with subtests.test(msg=f"{role} {case.id}"):
            problems = check(case, data, client, role)
            assert not problems, f"{role} on {case.id}: " + "; ".join(problems)
    with subtests.test(msg=f"{role} lists and public pages"):
        assert not shown_secrets(data, client, role)
    if role in SOCIAL_READERS:  # and what one may read is there
        for url in ("/malkedja/?year=2018", reverse("public:goal_chain_xlsx") + "?year=2018"):
            assert "Socialt utkastmål" in _text(client.get(url)), url
        url = reverse("public:period_assessments_xlsx", args=[data.next_interim.pk])
        assert "Inskickad analys Socialnämnden" in _text(client.get(url))


# --- every URL pattern is in the matrix ----------------------------------------------------------

OUT_OF_SCOPE = {
    "admin": "Django's admin has its own permissions (is_staff and model permissions); "
    "test_the_admin_refuses_everyone_without_staff_status checks the door",
}


def url_names(resolver=None, namespace=""):
    """Every URL pattern as 'namespace:name' (an unnamed one by its route)."""
    resolver = resolver or get_resolver()
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or ""
            full = f"{namespace}:{inner}" if namespace and inner else inner or namespace
            names |= url_names(pattern, full)
        else:
            name = pattern.name or str(pattern.pattern)
            names.add(f"{namespace}:{name}" if namespace else name)
    return names


def covered_names():
    from .test_access_matrix_api import API  # here, as that module builds on this one

    return {case.name for case in PAGES} | {case.name for case in API}


def test_every_url_is_in_the_matrix():
    missing = {
        name for name in url_names() - covered_names() if name.split(":")[0] not in OUT_OF_SCOPE
    }
    assert not missing, f"URL patterns without access rules in the matrix: {sorted(missing)}"
    unknown = covered_names() - url_names()
    assert not unknown, f"cases for URL patterns that do not exist: {sorted(unknown)}"


def test_the_admin_refuses_everyone_without_staff_status(data):
    for role in ROLES:
        for url in ("/admin/", "/admin/goals/plan/", f"/admin/goals/plan/{data.social_draft.pk}/"):
            response = client_as(data, role).get(url)
            assert response.status_code == 302, (role, url)
            assert response["Location"].startswith("/admin/login/"), (role, url)
