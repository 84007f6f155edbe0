"""The generated municipality's goal chain (see effekt/core/scale.py).

A vision, four-year terms with eight strategic goals each, about 40 assignments a year, and every
organisation's plan every year: 18 effect goals for the executive board and each board, 6 for
companies and federations, with 3–7 activities each (about 5,000 effect goals and activities a
year at scale 1). Each year's plan continues the previous one (predecessors set), and every plan
is adopted except a tenth of the current year's. The executive office asks about the plans and
their effect goals, and the organisations answer (comments).
"""

import datetime

from django.utils.translation import gettext

from .models import Activity, Assignment, Comment, EffectGoal, Plan, StrategicGoal, Term, Vision

TERM_YEARS = 4
STRATEGIC_GOALS = 8
ASSIGNMENTS_PER_YEAR = 40
GOALS_PER_BOARD, GOALS_PER_COMPANY = 18, 6


def _term_start(year):
    """Swedish terms start the year after an election (…, 2019, 2023, …)."""
    return year - (year - 3) % TERM_YEARS


def _terms(gen):
    vision = gen.bulk(Vision, [Vision(name="Vision 2040", text=gen.text(4), horizon_year=2040)])[0]
    starts = sorted({_term_start(year) for year in gen.years})
    terms = gen.bulk(
        Term,
        [
            Term(
                name="Mandatperiod",
                start_year=start,
                end_year=start + TERM_YEARS - 1,
                vision=vision,
                description=gen.text(2),
            )
            for start in starts
        ],
    )
    goals = gen.bulk(
        StrategicGoal,
        [
            StrategicGoal(term=term, number=n, title=gen.title(), description=gen.text(2))
            for term in terms
            for n in range(1, STRATEGIC_GOALS + 1)
        ],
    )
    gen.term_of = {year: t for t in terms for year in t.years}
    gen.strategic_goals = {t.pk: [g for g in goals if g.term_id == t.pk] for t in terms}


def _assignments(gen):
    organisations = gen.planning_organisations
    assignments = gen.bulk(
        Assignment,
        [
            Assignment(
                term=gen.term_of[year],
                year=year,
                title=gen.title(),
                description=gen.text(2),
                earmarked_amount=gen.rng.choice([None, 500_000, 1_200_000, 3_000_000]),
                deadline=datetime.date(year, 12, 31),
                decision_reference=f"KF § {gen.rng.randint(1, 200)}/{year}",
            )
            for year in gen.years
            for _ in range(gen.scaled(ASSIGNMENTS_PER_YEAR))
        ],
    )
    recipients, supports = [], []
    gen.assignments_of = {}  # (organisation id, year) -> [assignment]
    for assignment in assignments:
        for organisation in gen.rng.sample(organisations, min(len(organisations), 3)):
            recipients.append(
                Assignment.recipients.through(assignment=assignment, organisation=organisation)
            )
            gen.assignments_of.setdefault((organisation.pk, assignment.year), []).append(assignment)
        for goal in gen.rng.sample(gen.strategic_goals[assignment.term_id], 2):
            supports.append(
                Assignment.strategic_goals.through(assignment=assignment, strategicgoal=goal)
            )
    gen.bulk(Assignment.recipients.through, recipients)
    gen.bulk(Assignment.strategic_goals.through, supports)


def _plans(gen, year, previous):
    drafts = set()
    if year == gen.last_year:
        drafts = {o.pk for o in gen.planning_organisations[1:] if gen.rng.random() < 0.1}
    plans = gen.bulk(
        Plan,
        [
            Plan(
                organisation=organisation,
                year=year,
                status=Plan.Status.DRAFT if organisation.pk in drafts else Plan.Status.ADOPTED,
                responsibility=gen.text(3),
                direction=gen.text(4),
                predecessor=previous.get(organisation.pk),
                adopted_at=None if organisation.pk in drafts else datetime.date(year - 1, 12, 10),
                adoption_reference=""
                if organisation.pk in drafts
                else f"§ {gen.rng.randint(1, 150)}",
            )
            for organisation in gen.planning_organisations
        ],
    )
    for plan, organisation in zip(plans, gen.planning_organisations, strict=True):
        plan.organisation = organisation
    return plans


def _effect_goals(gen, plans, goals_before):
    """The plans' effect goals, continuing last year's (same number and mostly the same title)."""
    strategic = gen.strategic_goals[gen.term_of[plans[0].year].pk]
    goals = []
    for plan in plans:
        count = GOALS_PER_COMPANY if plan.organisation.effect_goals_optional else GOALS_PER_BOARD
        for number in range(1, count + 1):
            before = goals_before.get((plan.organisation_id, number))
            keep = before is not None and gen.rng.random() < 0.8
            goals.append(
                EffectGoal(
                    plan=plan,
                    number=number,
                    title=before.title if keep else gen.title(),
                    description=before.description if keep else gen.text(2),
                    predecessor=before,
                )
            )
    gen.bulk(EffectGoal, goals)
    links = []
    for goal in goals:
        for supported in gen.rng.sample(strategic, gen.rng.randint(1, 2)):
            links.append(
                EffectGoal.strategic_goals.through(effectgoal=goal, strategicgoal=supported)
            )
    gen.bulk(EffectGoal.strategic_goals.through, links)
    return goals


def _activities(gen, goals):
    activities = []
    for goal in goals:
        year = goal.plan.year
        units = gen.responsible[goal.plan.organisation_id]
        for _ in range(gen.rng.randint(3, 7)):
            start = datetime.date(year, gen.rng.randint(1, 6), 1)
            activities.append(
                Activity(
                    effect_goal=goal,
                    title=gen.title(),
                    description=gen.text(1),
                    responsible_unit=gen.rng.choice(units),
                    start_date=start,
                    end_date=datetime.date(year, gen.rng.randint(start.month + 1, 12), 28),
                )
            )
    return gen.bulk(Activity, activities)


def _dialogue(gen, plans, goals):
    """The executive office's questions on the year's plans and effect goals (up to four threads
    a plan), each answered by one of the organisation's editors, but a fifth of this year's."""
    by_plan = {}
    for goal in goals:
        by_plan.setdefault(goal.plan_id, []).append(goal)
    office = gen.editors[None]
    questions, answers = [], []
    for plan in plans:
        editors = gen.editors.get(plan.organisation_id) or office
        for _ in range(gen.rng.randint(0, 4)):
            on_goal = by_plan.get(plan.pk) and gen.rng.random() < 0.7
            author = gen.rng.choice(office)
            question = Comment(
                plan=plan,
                effect_goal=gen.rng.choice(by_plan[plan.pk]) if on_goal else None,
                author=author,
                author_name=author.get_full_name(),
                text=f"Hur ska ni {gen.rng.choice(VERBS_QUESTION)} {gen.words(2, 5)}?",
            )
            questions.append(question)
            if plan.year < gen.last_year or gen.rng.random() < 0.8:
                answers.append((question, gen.rng.choice(editors)))
    gen.bulk(Comment, questions)
    gen.bulk(
        Comment,
        [
            Comment(
                plan=question.plan,
                effect_goal=question.effect_goal,
                reply_to=question,
                author=editor,
                author_name=editor.get_full_name(),
                text=gen.text(2),
            )
            for question, editor in answers
        ],
    )


VERBS_QUESTION = ("mäta", "följa upp", "nå", "prioritera", "samordna")


def _history(gen, plans, goals, activities):
    """What a year's planning leaves in the change log: each plan written over the autumn and
    adopted, its effect goals and activities written and changed by the organisation's editors
    (an activity by its unit's)."""
    year = plans[0].year
    for plan_list, adopted in (
        ([p for p in plans if p.status == Plan.Status.ADOPTED], gettext("Plan adopted")),
        ([p for p in plans if p.status != Plan.Status.ADOPTED], ""),
    ):
        gen.history(
            plan_list,
            organisation_of=lambda plan: plan.organisation_id,
            created=lambda plan: datetime.date(year - 1, 9, 1),
            changes=(2, 6),
            transition=adopted,
        )
    gen.history(
        goals,
        organisation_of=lambda goal: goal.plan.organisation_id,
        created=lambda goal: datetime.date(year - 1, 9, 15),
        changes=(1, 4),
    )
    gen.history(
        activities,
        organisation_of=lambda activity: activity.responsible_unit_id,
        created=lambda activity: datetime.date(year - 1, 10, 1),
        changes=(1, 3),
    )


def generate(gen):
    gen.report("Terms, strategic goals and assignments…")
    _terms(gen)
    _assignments(gen)
    previous, goals_before = {}, {}
    gen.plans, gen.effect_goals = {}, {}  # by (organisation id, year); by plan id
    for year in gen.years:
        gen.report(f"Plans {year}…")
        plans = _plans(gen, year, previous)
        goals = _effect_goals(gen, plans, goals_before)
        _history(gen, plans, goals, _activities(gen, goals))
        _dialogue(gen, plans, goals)
        previous = {plan.organisation_id: plan for plan in plans}
        goals_before = {(g.plan.organisation_id, g.number): g for g in goals}
        for plan in plans:
            gen.plans[(plan.organisation_id, year)] = plan
            gen.effect_goals[plan.pk] = []
        for goal in goals:
            gen.effect_goals[goal.plan_id].append(goal)
