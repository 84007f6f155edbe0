"""Factories for tests. They build rows directly; tests of behaviour go through the domain operations."""

import datetime

import factory
from django.contrib.auth import get_user_model

from effekt.goals.models import (
    Activity,
    Assignment,
    Comment,
    EffectGoal,
    Plan,
    StrategicGoal,
    Term,
    Vision,
)
from effekt.organisations.models import Organisation, Role, RoleAssignment


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="sv_SE")
    last_name = factory.Faker("last_name", locale="sv_SE")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.se")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Nämnd {n}")
    kind = Organisation.Kind.BOARD
    valid_from = datetime.date(2010, 1, 1)
    order = factory.Sequence(lambda n: n)


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.READER


class VisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vision

    name = "Vision 2030"
    horizon_year = 2030


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term

    start_year = factory.Sequence(lambda n: 2016 + 4 * n)
    end_year = factory.LazyAttribute(lambda t: t.start_year + 3)


class StrategicGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StrategicGoal

    term = factory.SubFactory(TermFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Strategiskt mål {n}")


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment
        skip_postgeneration_save = True

    term = factory.SubFactory(TermFactory)
    year = factory.LazyAttribute(lambda a: a.term.start_year)
    title = factory.Sequence(lambda n: f"Uppdrag {n}")
    earmarked_amount = 5_000_000

    @factory.post_generation
    def recipients(self, create, extracted, **kwargs):
        if create and extracted:
            self.recipients.set(extracted)


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    organisation = factory.SubFactory(OrganisationFactory)
    year = 2017
    responsibility = "Ansvarsområdet är åtgärder för människor i utsatta situationer."


class EffectGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EffectGoal
        skip_postgeneration_save = True

    plan = factory.SubFactory(PlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Effektmål {n} – fler invånare blir självförsörjande")

    @factory.post_generation
    def strategic_goals(self, create, extracted, **kwargs):
        if create and extracted:
            self.strategic_goals.set(extracted)


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    effect_goal = factory.SubFactory(EffectGoalFactory)
    title = factory.Sequence(lambda n: f"Aktivitet {n}")
    responsible_unit = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.UNIT)
    start_date = factory.LazyAttribute(lambda a: datetime.date(a.effect_goal.plan.year, 1, 1))
    end_date = factory.LazyAttribute(lambda a: datetime.date(a.effect_goal.plan.year, 12, 31))


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    plan = factory.SubFactory(PlanFactory)
    author_name = "Kommunledningskontoret"
    text = "Hur ska effekten mätas?"
