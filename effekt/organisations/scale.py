"""The generated municipality's organisation and people (see effekt/core/scale.py).

At scale 1: the council, the executive board, 36 boards, 17 companies and 6 federations (60
organisations with plans), one administration under each board and the executive board with
about 600 units between them, and 2,000 users: administrators, the executive office, auditors,
editors and readers of every organisation with a plan, and unit editors.
"""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password

from .models import Organisation, Role, RoleAssignment

Kind = Organisation.Kind
USERNAME_PREFIX = "gen-"
FIRST_NAMES = (  # noqa: SIM905
    "Anna Eva Maria Karin Sara Lena Emma Kerstin Ingrid Linnea Elin Johanna Erik Lars Karl "
    "Anders Johan Per Nils Mikael Jan Hans Peter Oskar Ali Fatima Mohammed Noah Hugo Alice"
).split()
LAST_NAMES = (  # noqa: SIM905
    "Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson Gustafsson "
    "Pettersson Jonsson Jansson Hansson Bengtsson Lindberg Lindström Lindqvist Berg Axelsson"
).split()
BOARD_TOPICS = (  # noqa: SIM905
    "Barn- och utbildnings|Gymnasie- och vuxenutbildnings|Social|Vård- och omsorgs|"
    "Kultur- och fritids|Bygg- och miljö|Teknik- och fastighets|Arbetsmarknads|Överförmyndar|"
    "Stadsdels|Miljö- och hälsoskydds|Trafik|Idrotts|Exploaterings|Service|Krislednings"
).split("|")
COMPANY_TOPICS = (  # noqa: SIM905
    "Bostads Energi Vatten Hamn Fastighets Parkerings Stadsnät Turism Buss Avfall Hotell "
    "Flygplats Utvecklings Industri Holding"
).split()


def _name(topics, number, suffix):
    return f"{topics[number % len(topics)]}{suffix} {number + 1}"


def _users(gen, count):
    user_model = get_user_model()
    unusable = make_password(None)
    start = user_model.objects.filter(username__startswith=USERNAME_PREFIX).count()
    return gen.bulk(
        user_model,
        [
            user_model(
                username=f"{USERNAME_PREFIX}{start + i + 1:05d}",
                first_name=gen.rng.choice(FIRST_NAMES),
                last_name=gen.rng.choice(LAST_NAMES),
                password=unusable,  # no one signs in as a generated user with a password
            )
            for i in range(count)
        ],
    )


def generate(gen):
    gen.report("Organisation and users…")
    start = datetime.date(gen.first_year - 2, 1, 1)
    order = iter(range(10, 10_000_000, 10))

    def org(name, kind, parent=None, short_name=""):
        return Organisation(
            name=name,
            short_name=short_name,
            kind=kind,
            parent=parent,
            valid_from=start,
            order=next(order),
        )

    [council] = gen.bulk(Organisation, [org("Kommunfullmäktige", Kind.COUNCIL, short_name="KF")])
    executive = org("Kommunstyrelsen", Kind.EXECUTIVE_BOARD, council, "KS")
    boards = [
        org(_name(BOARD_TOPICS, n, "nämnden"), Kind.BOARD, council) for n in range(gen.scaled(36))
    ]
    companies = [
        org(_name(COMPANY_TOPICS, n, "bolaget AB"), Kind.COMPANY, council)
        for n in range(gen.scaled(17))
    ]
    federations = [
        org(f"Kommunalförbundet {n + 1}", Kind.FEDERATION, council)
        for n in range(gen.scaled(6, minimum=0))
    ]
    planning = gen.bulk(Organisation, [executive, *boards, *companies, *federations])
    administrations = gen.bulk(
        Organisation,
        [
            org(f"Förvaltningen för {owner.name}", Kind.ADMINISTRATION, owner)
            for owner in [executive, *boards]
        ],
    )
    units = gen.bulk(
        Organisation,
        [
            org(
                f"Enhet {n + 1} {gen.words(1, 2)}",
                Kind.UNIT,
                administrations[n % len(administrations)],
            )
            for n in range(gen.scaled(600, minimum=2))
        ],
    )
    gen.council, gen.executive_board = council, executive
    gen.planning_organisations = planning
    gen.units = units
    # who is responsible for activities: a board's units, or a company or federation itself
    gen.responsible = {organisation.pk: [organisation] for organisation in planning}
    for administration in administrations:
        below = [unit for unit in units if unit.parent_id == administration.pk]
        gen.responsible[administration.parent_id] = below or [administration]

    # people: every organisation with a plan has editors and readers; the rest edit units
    roles = [(Role.ADMINISTRATOR, council)] * 2
    roles += [(Role.EXECUTIVE_OFFICE, council)] * gen.scaled(8)
    roles += [(Role.AUDITOR, council)] * gen.scaled(3)
    for organisation in planning:
        roles += [(Role.ORGANISATION_EDITOR, organisation)] * 3
        roles += [(Role.READER, organisation)] * 5
    rest = max(len(units), gen.scaled(2000) - len(roles))
    roles += [(Role.UNIT_EDITOR, units[n % len(units)]) for n in range(rest)]
    users = _users(gen, len(roles))
    gen.bulk(
        RoleAssignment,
        [
            RoleAssignment(user=user, organisation=organisation, role=role)
            for user, (role, organisation) in zip(users, roles, strict=True)
        ],
    )
    gen.users_by_role = {}
    for user, (role, organisation) in zip(users, roles, strict=True):
        gen.users_by_role.setdefault(role, []).append((user, organisation))
    gen.editors = {None: [user for user, _ in gen.users_by_role[Role.EXECUTIVE_OFFICE]]}
    for role in (Role.ORGANISATION_EDITOR, Role.UNIT_EDITOR):
        for user, organisation in gen.users_by_role.get(role, ()):
            gen.editors.setdefault(organisation.pk, []).append(user)
