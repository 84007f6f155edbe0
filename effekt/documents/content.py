"""What goes into a downloadable document: plain data that both renderers (pdf.py, word.py) lay out.

Three documents: a plan, a report and the executive board's compilation. Each is a `Document` with
what the cover says, the table of contents and a `body` of plain values (texts, numbers already
formatted the Swedish way, assessments as a colour *and* a label). The renderers only lay out.

An adopted compilation, and a report that is part of one, are built from the version the council
adopted (`Compilation.snapshot`), never from today's data.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from effekt.core.templatetags.effekt import decimal1, sek
from effekt.followup import attainment
from effekt.followup import selectors as followup_selectors
from effekt.followup.models import Compilation, Period, Report
from effekt.goals.models import Assignment, Term
from effekt.indicators import charts
from effekt.indicators import selectors as indicator_selectors
from effekt.indicators import trend as trends
from effekt.indicators.models import Series
from effekt.organisations.models import Organisation

# Fills behind assessments and attainment (print-friendly; black text on each has AA contrast).
# The label is always printed in the cell too: the colour never carries the meaning alone.
FILLS = {"green": "8CCB8F", "yellow": "FFD966", "red": "F4A3A3", "none": "E3E3E3"}

# px: the width of a chart in the PDF, the text's width on an A4 page with print.css's margins
# (210 - 25 - 20 mm = 165 mm at 96 px an inch); the Word file draws its own (chart_png.py)
PRINTED_CHART_WIDTH = 624


@dataclass(frozen=True)
class Mark:
    """An assessment or an attainment: its colour and the words that say the same."""

    colour: str  # green, yellow, red or none
    label: str

    @property
    def fill(self) -> str:
        return FILLS[self.colour]


@dataclass
class Document:
    kind: str  # plan, report or compilation
    title: str  # the running header and the file's metadata
    kicker: str  # the small line above the title on the cover
    cover_title: str
    cover_subtitle: str
    decision: str  # the decision the document carries, or ""
    status: str  # e.g. "Draft – not adopted", or ""
    is_draft: bool
    filename: str  # without extension
    toc: list  # [{"anchor", "title", "level"}]
    body: dict
    municipality: str = field(default_factory=lambda: settings.EFFEKT_MUNICIPALITY_NAME)
    created: datetime.date = field(default_factory=timezone.localdate)
    language: str = field(default_factory=lambda: translation.get_language() or "sv")

    @property
    def created_text(self) -> str:
        return _("Created %(date)s") % {"date": long_date(self.created)}


# --- formatting ------------------------------------------------------------------------------


def long_date(value) -> str:
    """16 april 2018."""
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value[:10])
    return formats.date_format(value, "j F Y")


def short_date(value) -> str:
    if value in (None, ""):
        return ""
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value[:10])
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def amount(value) -> str:
    """5 000 000 kr (with no-break spaces), or '–' when there is no amount."""
    return sek(value) or "–"


def quoted(text: str) -> str:
    """Text in the quotation marks of the active language: ”så här” in Swedish."""
    if (translation.get_language() or "sv").startswith("sv"):
        return f"\u201d{text}\u201d"
    return f"\u201c{text}\u201d"


def paragraphs(text: str) -> list:
    """A text as paragraphs (split at blank lines); single line breaks stay within a paragraph."""
    text = (text or "").replace("\r\n", "\n").strip()
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()] if text else []


def filename(*parts) -> str:
    """A file name from words, Swedish letters kept: Socialnämnden-plan-2017."""
    text = " ".join(str(p) for p in parts if p not in (None, ""))
    text = re.sub(r"[^\w]+", "-", text, flags=re.UNICODE).strip("-_")
    return text or "dokument"


def ascii_filename(name: str) -> str:
    """The fallback for old clients: å → a, ö → o, and nothing outside ASCII."""
    decomposed = unicodedata.normalize("NFKD", name)
    text = decomposed.encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "dokument"


# --- marks -----------------------------------------------------------------------------------

ASSESSMENT_COLOURS = {"fulfilled": "green", "partly": "yellow", "not_fulfilled": "red"}


def assessment_mark(value) -> Mark:
    labels = {
        "fulfilled": _("Fulfilled"),
        "partly": _("Partly fulfilled"),
        "not_fulfilled": _("Not fulfilled"),
    }
    if value in labels:
        return Mark(ASSESSMENT_COLOURS[value], labels[value])
    return Mark("none", _("Not assessed"))


def colour_word(colour) -> str:
    return {"green": _("green"), "yellow": _("yellow"), "red": _("red")}.get(colour, "")


def attainment_mark(percent, colour) -> Mark:
    """'76,5 % (grönt)' – or 'inget bedömt' when nothing is assessed."""
    if percent in (None, ""):
        return Mark("none", _("nothing assessed"))
    return Mark(colour, f"{decimal1(percent)}\u00a0% ({colour_word(colour)})")


def progress_label(value) -> str:
    return {
        "completed": _("Completed"),
        "started": _("Started"),
        "not_started": _("Not started"),
    }.get(value, _("Not reported"))


def report_status_label(value) -> str:
    return {
        "draft": _("Draft"),
        "submitted": _("Submitted"),
        "returned": _("Returned"),
        "accepted": _("Accepted"),
    }.get(value, value)


def counts_sentence(counts) -> str:
    return _("%(f)s fulfilled, %(p)s partly, %(n)s not fulfilled, %(u)s not assessed") % {
        "f": counts["fulfilled"],
        "p": counts["partly"],
        "n": counts["not_fulfilled"],
        "u": counts["not_assessed"],
    }


def _counts(values) -> dict:
    counts = {"fulfilled": 0, "partly": 0, "not_fulfilled": 0, "not_assessed": 0}
    for value in values:
        counts[value if value in ASSESSMENT_COLOURS else "not_assessed"] += 1
    return counts


def _attainment_of(counts):
    share = attainment.attainment(attainment.Counts(**counts))
    return attainment_mark(attainment.percent(share), attainment.colour(share))


def bar(counts) -> list:
    """[(colour, per cent of the width, count)] for a bar of the counts (a picture of the numbers
    printed beside it)."""
    total = sum(counts.values())
    if not total:
        return []
    order = [
        ("green", "fulfilled"),
        ("yellow", "partly"),
        ("red", "not_fulfilled"),
        ("none", "not_assessed"),
    ]
    return [
        (colour, round(100 * counts[key] / total, 2), counts[key])
        for colour, key in order
        if counts[key]
    ]


def period_label(kind, year) -> str:
    label = dict(Period.Kind.choices).get(kind, kind)
    return f"{label} {year}"


def _decision(adopted_on, paragraph, case) -> str:
    return _("Adopted by the council on %(date)s, %(paragraph)s, case number %(case)s.") % {
        "date": long_date(adopted_on),
        "paragraph": paragraph,
        "case": case,
    }


def _reference(entry, number) -> dict:
    """An effect goal that supports more than one strategic goal is described under the first;
    the others refer to it."""
    return {
        "anchor": entry["anchor"],
        "text": _(
            "%(effect_goal)s also supports this strategic goal; it is described under strategic "
            "goal %(number)s."
        )
        % {"effect_goal": quoted(entry["heading"]), "number": number},
    }


# --- the plan --------------------------------------------------------------------------------


def _plan_kicker(organisation) -> str:
    if organisation.kind == Organisation.Kind.COMPANY:
        return _("Company plan")
    if organisation.kind == Organisation.Kind.FEDERATION:
        return _("Federation plan")
    return _("Board plan")


def plan_document(plan) -> Document:
    """A board's plan (as read by goals.selectors.plan_detail): its texts, a section per strategic
    goal with the effect goals that break it down (measures and activities), and the council's
    assignments with earmarked funds. An adopted plan is read-only, so it prints as adopted."""
    organisation = plan.organisation
    effect_goals = list(plan.effect_goals.all())
    term = Term.objects.covering(plan.year).first()
    strategic_goals = list(term.strategic_goals.all()) if term else []
    targets = indicator_selectors.targets_by_goal(effect_goals) if effect_goals else {}

    def goal_entry(goal):
        return {
            "anchor": f"effect-goal-{goal.pk}",
            "number": goal.number,
            "title": goal.title,
            "heading": f"{_('Effect goal')} {goal.number}. {goal.title}",
            "description": paragraphs(goal.description),
            "supports": [str(sg) for sg in goal.strategic_goals.all()],
            "measures": [
                {
                    "indicator": str(view.target.indicator),
                    "target": _("%(value)s %(unit)s in %(year)s")
                    % {
                        "value": decimal1(view.target.target_value),
                        "unit": view.target.indicator.unit,
                        "year": view.target.target_year,
                    },
                    "latest": (
                        f"{decimal1(view.latest[1])} {view.target.indicator.unit} ({view.latest[0]})"
                        if view.latest
                        else "–"
                    ),
                }
                for view in targets.get(goal.pk, [])
            ],
            "activities": [
                {
                    "title": a.title,
                    "unit": a.responsible_unit.name,
                    "period": f"{short_date(a.start_date)}–{short_date(a.end_date)}",
                }
                for a in goal.activities.all()
            ],
        }

    entries = {goal.pk: goal_entry(goal) for goal in effect_goals}
    placed = {}  # effect goal id: the number of the strategic goal it is described under
    sections = []
    for sg in strategic_goals:
        linked = [g for g in effect_goals if sg in g.strategic_goals.all()]
        full, references = [], []
        for goal in linked:
            if goal.pk in placed:
                references.append(_reference(entries[goal.pk], placed[goal.pk]))
            else:
                full.append(entries[goal.pk])
                placed[goal.pk] = sg.number
        sections.append(
            {
                "anchor": f"strategic-goal-{sg.number}",
                "number": sg.number,
                "title": sg.title,
                "heading": f"{sg.number}. {sg.title}",
                "description": paragraphs(sg.description),
                "effect_goals": full,
                "references": references,
            }
        )
    unlinked = [entries[g.pk] for g in effect_goals if g.pk not in placed]
    assignments = list(
        Assignment.objects.filter(year=plan.year, recipients=plan.organisation_id)
        .prefetch_related("recipients")
        .order_by("title")
    )
    total = sum((a.earmarked_amount or 0) for a in assignments)
    body = {
        "organisation": organisation.name,
        "year": plan.year,
        "term": str(term) if term else "",
        "responsibility": paragraphs(plan.responsibility),
        "direction": paragraphs(plan.direction),
        "overview": [
            {
                "number": g.number,
                "title": g.title,
                "anchor": entries[g.pk]["anchor"],
                "supports": ", ".join(str(sg.number) for sg in g.strategic_goals.all()) or "–",
                "activities": len(entries[g.pk]["activities"]),
            }
            for g in effect_goals
        ],
        "sections": sections if effect_goals else [],
        "unlinked": unlinked,
        "no_goals_text": (
            _("No effect goals. For companies and federations they are optional.")
            if organisation.effect_goals_optional
            else _("No effect goals yet.")
        )
        if not effect_goals
        else "",
        "assignments": [
            {
                "title": a.title,
                "description": paragraphs(a.description),
                "amount": amount(a.earmarked_amount),
                "deadline": long_date(a.deadline),
                "reference": a.decision_reference,
                "recipients": ", ".join(r.name for r in a.recipients.all()),
            }
            for a in assignments
        ],
        "earmarked_total": amount(total) if any(a.earmarked_amount for a in assignments) else "",
    }
    toc = [
        {"anchor": "responsibility", "title": _("Area of responsibility"), "level": 1},
        {"anchor": "direction", "title": _("Development given the strategic goals"), "level": 1},
    ]
    if effect_goals:
        toc.append({"anchor": "overview", "title": _("The effect goals at a glance"), "level": 1})
    toc += [{"anchor": s["anchor"], "title": s["heading"], "level": 1} for s in body["sections"]]
    if unlinked:
        toc.append({"anchor": "other-goals", "title": _("Other effect goals"), "level": 1})
    assignments_title = _("Assignments from the council %(year)s") % {"year": plan.year}
    body["assignments_title"] = assignments_title
    toc.append({"anchor": "assignments", "title": assignments_title, "level": 1})

    if plan.is_adopted:
        decision = _("Adopted by %(organisation)s on %(date)s") % {
            "organisation": organisation.name,
            "date": long_date(plan.adopted_at),
        }
        decision += f", {plan.adoption_reference}." if plan.adoption_reference else "."
        status = ""
    else:
        decision, status = "", _("Draft – not adopted")
    title = str(plan)
    return Document(
        kind="plan",
        title=title,
        kicker=_plan_kicker(organisation),
        cover_title=organisation.name,
        cover_subtitle=_("Plan %(year)s") % {"year": plan.year},
        decision=decision,
        status=status,
        is_draft=not plan.is_adopted,
        filename=filename(organisation.name, _("plan"), plan.year),
        toc=toc,
        body=body,
    )


# --- the report ------------------------------------------------------------------------------


def _frozen_report(report):
    """(the report as the council adopted it, the compilation) when the report is part of an
    adopted compilation; else (None, None)."""
    compilation = (
        Compilation.objects.filter(period_id=report.period_id, status=Compilation.Status.ADOPTED)
        .only("id", "snapshot", "adopted_on", "minutes_paragraph", "case_number", "status")
        .first()
    )
    if compilation is None:
        return None, None
    for frozen in (compilation.snapshot or {}).get("reports", []):
        if frozen["id"] == report.pk:
            return frozen, compilation
    return None, None


def report_document(report) -> Document:
    """A board's interim or annual report: the assessments with their counts, a section per
    strategic goal with the analysis of each effect goal, the assignments and (annual) the results
    of the whole mission. From the adopted version when the council has adopted its compilation."""
    period = report.period
    frozen, compilation = _frozen_report(report)
    if frozen is not None:
        data = frozen
        # which strategic goals each effect goal broke down, as adopted
        goals_of = {}
        for sg in compilation.snapshot["goals"]:
            for row in sg["effect_goals"]:
                goals_of.setdefault(row["id"], []).append((sg["number"], sg["title"]))
        assessments = data["assessments"]
        assignments = data["assignments"]
        status_value = data.get("status", report.status)
    else:
        goals_of = {
            row.effect_goal_id: [
                (sg.number, sg.title) for sg in row.effect_goal.strategic_goals.all()
            ]
            for row in report.assessments.all()
        }
        assessments = [
            {
                "effect_goal_id": row.effect_goal_id,
                "number": row.effect_goal.number,
                "title": row.effect_goal.title,
                "assessment": row.assessment,
                "analysis": row.analysis,
                "reasons": row.reasons,
                "actions": row.actions,
            }
            for row in report.assessments.all()
        ]
        assignments = [
            {
                "title": row.assignment.title,
                "earmarked_amount": row.assignment.earmarked_amount,
                "progress": row.progress,
                "comment": row.comment,
            }
            for row in report.assignment_reports.all()
        ]
        data = {"mission_results": report.mission_results}
        status_value = report.status

    def row_entry(row):
        return {
            "anchor": f"goal-{row['effect_goal_id']}",
            "number": row["number"],
            "title": row["title"],
            "heading": f"{_('Effect goal')} {row['number']}. {row['title']}",
            "mark": assessment_mark(row["assessment"]),
            "analysis": paragraphs(row["analysis"]),
            "reasons": paragraphs(row["reasons"]),
            "actions": paragraphs(row["actions"]),
        }

    rows = [row_entry(row) for row in assessments]
    by_id = {row["effect_goal_id"]: entry for row, entry in zip(assessments, rows, strict=True)}
    strategic = sorted(
        {goal for row in assessments for goal in goals_of.get(row["effect_goal_id"], [])}
    )
    assessment_of = {row["effect_goal_id"]: row["assessment"] for row in assessments}
    placed, sections = {}, []
    for number, title in strategic:
        linked = [
            row["effect_goal_id"]
            for row in assessments
            if (number, title) in goals_of.get(row["effect_goal_id"], [])
        ]
        full = [by_id[i] for i in linked if i not in placed]
        references = [_reference(by_id[i], placed[i]) for i in linked if i in placed]
        for i in linked:
            placed.setdefault(i, number)
        counts = _counts(assessment_of[i] for i in linked)
        sections.append(
            {
                "anchor": f"strategic-goal-{number}",
                "number": number,
                "title": title,
                "heading": f"{number}. {title}",
                "counts": counts,
                "counts_text": counts_sentence(counts),
                "attainment": _attainment_of(counts),
                "rows": [by_id[i] for i in linked],
                "effect_goals": full,
                "references": references,
            }
        )
    unlinked = [
        by_id[r["effect_goal_id"]] for r in assessments if r["effect_goal_id"] not in placed
    ]
    counts = _counts(row["assessment"] for row in assessments)
    is_annual = period.kind == Period.Kind.ANNUAL
    body = {
        "organisation": report.organisation.name,
        "period": period_label(period.kind, period.cycle.year),
        "is_interim": not is_annual,
        "period_text": _("The period %(start)s – %(end)s.")
        % {"start": long_date(period.starts_on), "end": long_date(period.ends_on)},
        "counts": counts,
        "counts_text": counts_sentence(counts),
        "attainment": _attainment_of(counts),
        "bar": bar(counts),
        "summary": [
            {
                "heading": s["heading"],
                "anchor": s["anchor"],
                "counts": s["counts"],
                "attainment": s["attainment"],
            }
            for s in sections
        ],
        "sections": sections,
        "unlinked": unlinked,
        "assignments": [
            {
                "title": a["title"],
                "amount": amount(a["earmarked_amount"]),
                "progress": progress_label(a["progress"]),
                "comment": paragraphs(a["comment"]),
            }
            for a in assignments
        ],
        "mission_results": paragraphs(data.get("mission_results", "")) if is_annual else None,
    }
    toc = [{"anchor": "summary", "title": _("Summary"), "level": 1}]
    toc += [{"anchor": s["anchor"], "title": s["heading"], "level": 1} for s in sections]
    if unlinked:
        toc.append({"anchor": "other-goals", "title": _("Other effect goals"), "level": 1})
    toc.append({"anchor": "assignments", "title": _("Assignments"), "level": 1})
    if is_annual:
        toc.append({"anchor": "mission", "title": _("Results of the whole mission"), "level": 1})

    if compilation is not None:
        decision = " ".join(
            [
                _(
                    "Part of the executive board's compilation that the council adopted on "
                    "%(date)s, %(paragraph)s, case number %(case)s."
                )
                % {
                    "date": long_date(compilation.adopted_on),
                    "paragraph": compilation.minutes_paragraph,
                    "case": compilation.case_number,
                },
                _("This is the version the council adopted."),
            ]
        )
        status = ""
    else:
        decision = ""
        status = _("Status: %(status)s") % {"status": report_status_label(status_value)}
        if status_value == Report.Status.ACCEPTED and report.decided_at:
            status = _("Accepted by the executive office on %(date)s.") % {
                "date": long_date(timezone.localdate(report.decided_at))
            }
    return Document(
        kind="report",
        title=str(report),
        kicker=body["period"],
        cover_title=report.organisation.name,
        cover_subtitle=body["period"],
        decision=decision,
        status=status,
        is_draft=compilation is None and status_value != Report.Status.ACCEPTED,
        filename=filename(report.organisation.name, body["period"]),
        toc=toc,
        body=body,
    )


# --- the compilation ---------------------------------------------------------------------------


def _indicators(year):
    """The council's indicators, values up to the compilation's year: chart, numbers and trend."""
    entries = []
    for view in indicator_selectors.council_indicators():
        indicator = view.indicator
        series = [
            (view_s, [(y, v) for y, v, _m in view_s.points if y <= year]) for view_s in view.series
        ]
        series = [(s, pts) for s, pts in series if pts]
        years = sorted({y for _s, pts in series for y, _v in pts})
        own = series[0] if series and series[0][0].series.role == Series.Role.OWN else None
        judged = trends.judge(own[1] if own else [], higher_is_better=indicator.higher_is_better)
        sentence = judged.sentence(indicator.unit)
        with_value = [(y, v) for y, v in (own[1] if own else []) if v is not None]
        description = sentence
        if with_value:
            latest_year, latest_value = with_value[-1]
            description = _("Latest value %(value)s (%(year)s). %(trend)s") % {
                "value": f"{decimal1(latest_value)} {indicator.unit}".strip(),
                "year": latest_year,
                "trend": sentence,
            }
        lines = [(str(s.series), pts) for s, pts in series]
        breaks = [b for b in (own[0].breaks if own else []) if b <= year]
        entries.append(
            {
                "anchor": f"indicator-{indicator.pk}",
                "heading": str(indicator),
                "description": paragraphs(indicator.description),
                "unit": indicator.unit,
                "direction": _("Higher is better.")
                if indicator.higher_is_better
                else _("Lower is better."),
                "trend_label": judged.label,
                "trend_colour": {
                    trends.Judgement.POSITIVE: "green",
                    trends.Judgement.NEGATIVE: "red",
                }.get(judged.judgement, "none"),
                "trend_sentence": sentence,
                "chart_description": description,
                "svg": charts.line_chart(
                    chart_id=f"indicator-{indicator.pk}",
                    title=str(indicator),
                    description=description,
                    lines=lines,
                    unit=indicator.unit,
                    breaks=breaks,
                    width=PRINTED_CHART_WIDTH,
                ),
                "lines": lines,
                "breaks": breaks,
                "years": years,
                "table": [
                    (
                        str(s.series)
                        + (
                            f" ({s.series.get_role_display().lower()})"
                            if s.series.role != Series.Role.OWN
                            else ""
                        ),
                        [
                            decimal1(dict(pts).get(y)) if dict(pts).get(y) is not None else "–"
                            for y in years
                        ],
                    )
                    for s, pts in series
                ],
                "numbers_caption": _("The numbers (%(unit)s)") % {"unit": indicator.unit or "–"},
            }
        )
    return entries


def compilation_document(compilation, data=None) -> Document:
    """The executive board's compilation (the goal section of the interim or annual report):
    goal attainment per strategic goal with the counts behind it, a section per strategic goal,
    the assignments with earmarked funds, companies and federations, and the council's
    indicators. `data` is the adopted version for an adopted compilation (its snapshot)."""
    adopted = compilation.is_adopted
    if data is None:
        data = compilation.snapshot if adopted else followup_selectors.compilation_data(compilation)
    year = data["period"]["year"]
    kind = data["period"]["kind"]
    is_interim = kind == Period.Kind.INTERIM
    green, yellow = data["thresholds"]["green"], data["thresholds"]["yellow"]

    described_under = {}  # effect goal id: the number of the strategic goal it is described under

    def effect_goal_row(row, number):
        """An effect goal's assessment under a strategic goal. One that breaks down more than
        one strategic goal is described (analysis, reasons, actions) under the first; under the
        others it keeps its heading and assessment, and refers to the first (as in the plan
        and the report)."""
        first = described_under.setdefault(row["id"], number)
        described = first == number
        return {
            "anchor": f"effect-goal-{row['id']}",
            "organisation": row["organisation"],
            "number": row["number"],
            "title": row["title"],
            "mark": assessment_mark(row["assessment"]),
            "analysis": paragraphs(row["analysis"]) if described else [],
            "reasons": paragraphs(row["reasons"]) if described else [],
            "actions": paragraphs(row["actions"]) if described else [],
            "reference": None
            if described
            else _("Described under strategic goal %(number)s") % {"number": first},
        }

    goals = [
        {
            "anchor": f"strategic-goal-{goal['number']}",
            "number": goal["number"],
            "title": goal["title"],
            "heading": f"{goal['number']}. {goal['title']}",
            "counts": goal["counts"],
            "counts_text": counts_sentence(goal["counts"]),
            "attainment": attainment_mark(goal["attainment"], goal["colour"]),
            "bar": bar(goal["counts"]),
            "analysis": paragraphs(goal["analysis"]),
            "organisations": len({row["organisation"] for row in goal["effect_goals"]}),
            "effect_goals": [effect_goal_row(row, goal["number"]) for row in goal["effect_goals"]],
        }
        for goal in data["goals"]
    ]
    assignments = []
    total = 0
    for a in data.get("assignments", []):
        if a["earmarked_amount"]:
            total += int(float(a["earmarked_amount"]))
        assignments.append(
            {
                "title": a["title"],
                "amount": amount(a["earmarked_amount"]),
                "deadline": long_date(a["deadline"]),
                "recipients": [
                    {
                        "organisation": r["organisation"],
                        "progress": progress_label(r["progress"]),
                        "progress_value": r["progress"],
                        "comment": r["comment"],
                    }
                    for r in a["recipients"]
                ]
                or [{"organisation": "–", "progress": "", "progress_value": "", "comment": ""}],
            }
        )
    indicators = _indicators(year)
    indicator_note = _("Values up to and including %(year)s, as recorded on %(date)s.") % {
        "year": year,
        "date": long_date(timezone.localdate()),
    }
    if adopted:
        indicator_note += " " + _(
            "The indicators are not part of the version the council adopted; their values may "
            "have been revised since."
        )
    period = period_label(kind, year)
    body = {
        "year": year,
        "period": period,
        "is_interim": is_interim,
        "term": data.get("term", ""),
        "ends_on": long_date(data["period"]["ends_on"]),
        "method": _(
            "Attainment: fulfilled counts 1, partly fulfilled ½, not fulfilled 0, over the "
            "assessed effect goals. Green from %(green)s %%, yellow from %(yellow)s %%, red below."
        )
        % {"green": decimal1(green), "yellow": decimal1(yellow)},
        "goals": goals,
        "total": {
            "counts": data["total"]["counts"],
            "counts_text": counts_sentence(data["total"]["counts"]),
            "attainment": attainment_mark(data["total"]["attainment"], data["total"]["colour"]),
            "bar": bar(data["total"]["counts"]),
        },
        "overall_analysis": paragraphs(data.get("overall_analysis", "")),
        "assignments": assignments,
        "earmarked_total": amount(total) if total else "",
        "companies": [
            {"organisation": c["organisation"], "results": paragraphs(c["mission_results"])}
            for c in data.get("companies", [])
        ],
        "indicators": indicators,
        "indicator_note": indicator_note,
        "reports": [
            {"organisation": r["organisation"], "status": report_status_label(r["status"])}
            for r in data.get("reports", [])
        ],
    }
    toc = [{"anchor": "summary", "title": _("Goal attainment per strategic goal"), "level": 1}]
    if body["overall_analysis"]:
        toc.append({"anchor": "overall", "title": _("Overall analysis"), "level": 1})
    toc += [{"anchor": g["anchor"], "title": g["heading"], "level": 1} for g in goals]
    toc.append({"anchor": "assignments", "title": _("Assignments"), "level": 1})
    if body["companies"]:
        toc.append({"anchor": "companies", "title": _("Companies and federations"), "level": 1})
    if indicators:
        toc.append({"anchor": "indicators", "title": _("Indicators"), "level": 1})
        toc += [{"anchor": i["anchor"], "title": i["heading"], "level": 2} for i in indicators]
    toc.append({"anchor": "reports", "title": _("The reports"), "level": 1})

    if adopted:
        decision = _decision(
            compilation.adopted_on, compilation.minutes_paragraph, compilation.case_number
        )
        status = _("This is the version the council adopted.")
    else:
        decision = ""
        status = _("Draft – not adopted by the council")
    subtitle = (
        _("The goal section of the interim report %(year)s")
        if is_interim
        else _("The goal section of the annual report %(year)s")
    ) % {"year": year}
    return Document(
        kind="compilation",
        title=_("Compilation, %(period)s") % {"period": period},
        kicker=_("The executive board's compilation"),
        cover_title=_("Goal attainment %(year)s") % {"year": year},
        cover_subtitle=subtitle,
        decision=decision,
        status=status,
        is_draft=not adopted,
        filename=filename(_("Compilation"), period),
        toc=toc,
        body=body,
    )
