"""The demo municipality: Enköping 2016–2019, built through the domain operations.

Everything is made exactly as users would make it – by calling the operations in
`effekt.organisations.services` and `effekt.goals.services` as the demo user who would do it – so
it is validated and every object has its change records. The only rows written directly are the
demo users themselves.

Facts come from public sources (enkoping.se and others, gathered in the project notes): the
organisation, the five strategic goals of "Samhällsbygget Enköping", the effect goals of
Socialnämnden, Vård- och omsorgsnämnden, Upplevelsenämnden and Tekniska nämnden, and the council's
assignments to UAN for 2019. The rest is plausible demo content. The wording of Vision 2030 was
not found, so the vision has no text.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction

from effekt.organisations import services as organisation_services
from effekt.organisations.models import Organisation, Role

from . import services
from .models import Activity, Assignment, Comment, EffectGoal, Plan, StrategicGoal, Term, Vision

FIRST_YEAR = 2016
LAST_YEAR = 2019
Kind = Organisation.Kind

# --- the organisation ----------------------------------------------------------------------


@dataclass(frozen=True)
class Org:
    key: str
    name: str
    kind: str
    parent: str | None
    short_name: str = ""
    valid_from: datetime.date = datetime.date(2010, 1, 1)
    valid_to: datetime.date | None = None
    predecessors: tuple = ()
    minutes: str = ""  # how the organisation's decisions are referred to ("SN § 123")


END_2018 = datetime.date(2018, 12, 31)
START_2019 = datetime.date(2019, 1, 1)

ORGANISATIONS = [
    Org("kf", "Kommunfullmäktige", Kind.COUNCIL, None, "KF"),
    Org("ks", "Kommunstyrelsen", Kind.EXECUTIVE_BOARD, "kf", "KS"),
    Org("klk", "Kommunledningskontoret", Kind.ADMINISTRATION, "ks", valid_to=END_2018),
    Org("sf", "Serviceförvaltningen", Kind.ADMINISTRATION, "ks", valid_to=END_2018),
    Org(
        "klf",
        "Kommunledningsförvaltningen",
        Kind.ADMINISTRATION,
        "ks",
        valid_from=START_2019,
        predecessors=("klk", "sf"),
    ),
    Org("skn", "Skolnämnden", Kind.BOARD, "kf", "SKN", valid_to=END_2018),
    Org("buf", "Barn- och utbildningsförvaltningen", Kind.ADMINISTRATION, "skn", valid_to=END_2018),
    Org("forskola", "Förskolan", Kind.UNIT, "buf", valid_to=END_2018),
    Org("grundskola", "Grundskolan och fritidshemmen", Kind.UNIT, "buf", valid_to=END_2018),
    Org("von", "Vård- och omsorgsnämnden", Kind.BOARD, "kf", "VON"),
    Org("vof", "Vård- och omsorgsförvaltningen", Kind.ADMINISTRATION, "von"),
    Org("hemtjanst", "Hemtjänsten", Kind.UNIT, "vof"),
    Org("ekbacken", "Vård- och omsorgsboendet Ekbacken", Kind.UNIT, "vof"),
    Org("un", "Utbildningsnämnden", Kind.BOARD, "kf", "UN", valid_to=END_2018),
    Org(
        "gvf",
        "Gymnasie- och vuxenutbildningsförvaltningen",
        Kind.ADMINISTRATION,
        "un",
        valid_to=END_2018,
    ),
    Org("westerlundska", "Westerlundska gymnasiet", Kind.UNIT, "gvf", valid_to=END_2018),
    Org("komvux", "Komvux Enköping", Kind.UNIT, "gvf", valid_to=END_2018),
    Org("sn", "Socialnämnden", Kind.BOARD, "kf", "SN"),
    Org("sof", "Socialförvaltningen", Kind.ADMINISTRATION, "sn"),
    Org("jobbcentrum", "Jobbcentrum", Kind.UNIT, "sof"),
    Org("familjeenheten", "Familjeenheten", Kind.UNIT, "sof"),
    Org("ekonomiskt_bistand", "Ekonomiskt bistånd", Kind.UNIT, "sof"),
    Org("upn", "Upplevelsenämnden", Kind.BOARD, "kf", "UPN"),
    Org("kof", "Kultur och fritid", Kind.ADMINISTRATION, "upn"),
    Org("bibliotek", "Biblioteken", Kind.UNIT, "kof"),
    Org("fritidsgardar", "Fritidsgårdarna", Kind.UNIT, "kof"),
    Org("idrott", "Idrott och friluftsliv", Kind.UNIT, "kof"),
    Org("tn", "Tekniska nämnden", Kind.BOARD, "kf", "TN"),
    Org("sbf", "Samhällsbyggnadsförvaltningen", Kind.ADMINISTRATION, "tn"),
    Org("gata_park", "Gata och park", Kind.UNIT, "sbf"),
    Org("fastighet", "Fastighetsenheten", Kind.UNIT, "sbf"),
    Org("kost", "Kostenheten", Kind.UNIT, "sbf"),
    Org("mbn", "Miljö- och byggnadsnämnden", Kind.BOARD, "kf", "MBN"),
    Org("mbf", "Miljö- och byggnadsförvaltningen", Kind.ADMINISTRATION, "mbn"),
    Org("bygglov", "Bygglovsenheten", Kind.UNIT, "mbf"),
    Org("miljo", "Miljöenheten", Kind.UNIT, "mbf"),
    Org("ofn", "Överförmyndarnämnden", Kind.BOARD, "kf", "ÖFN"),
    Org("ofk", "Överförmyndarkansliet", Kind.ADMINISTRATION, "ofn"),
    Org("vn", "Valnämnden", Kind.BOARD, "kf", "VN"),
    Org("valkansliet", "Valkansliet", Kind.ADMINISTRATION, "vn"),
    Org(
        "uan",
        "Utbildnings- och arbetsmarknadsnämnden",
        Kind.BOARD,
        "kf",
        "UAN",
        valid_from=START_2019,
        predecessors=("skn", "un"),
    ),
    Org(
        "uf",
        "Utbildningsförvaltningen",
        Kind.ADMINISTRATION,
        "uan",
        valid_from=START_2019,
        predecessors=("buf", "gvf"),
    ),
    Org(
        "forskola19",
        "Förskolan",
        Kind.UNIT,
        "uf",
        valid_from=START_2019,
        predecessors=("forskola",),
    ),
    Org(
        "grundskola19",
        "Grundskolan och fritidshemmen",
        Kind.UNIT,
        "uf",
        valid_from=START_2019,
        predecessors=("grundskola",),
    ),
    Org(
        "westerlundska19",
        "Westerlundska gymnasiet",
        Kind.UNIT,
        "uf",
        valid_from=START_2019,
        predecessors=("westerlundska",),
    ),
    Org(
        "komvux19",
        "Komvux Enköping",
        Kind.UNIT,
        "uf",
        valid_from=START_2019,
        predecessors=("komvux",),
    ),
    Org("ehb", "AB Enköpings Hyresbostäder", Kind.COMPANY, "kf", "EHB"),
    Org("ena", "Ena Energi AB", Kind.COMPANY, "kf", "Ena Energi"),
    Org(
        "rt",
        "Räddningstjänsten Enköping-Håbo",
        Kind.FEDERATION,
        "kf",
        valid_from=datetime.date(2008, 1, 1),
        minutes="Direktionen",
    ),
    Org("vafab", "VafabMiljö Kommunalförbund", Kind.FEDERATION, "kf", "VafabMiljö"),
]

# --- the demo users ------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str
    organisation: str


ADMIN_USERNAME = "demo-admin"
USERS = [
    DemoUser(ADMIN_USERNAME, "Anna", "Lindqvist", Role.ADMINISTRATOR, "kf"),
    DemoUser("demo-kontoret", "Erik", "Holmberg", Role.EXECUTIVE_OFFICE, "ks"),
    DemoUser("demo-social", "Maria", "Johansson", Role.ORGANISATION_EDITOR, "sn"),
    DemoUser("demo-enhet", "Karin", "Nilsson", Role.UNIT_EDITOR, "jobbcentrum"),
    DemoUser("demo-skola", "Johan", "Eriksson", Role.ORGANISATION_EDITOR, "uan"),
    DemoUser("demo-lasare", "Lars", "Andersson", Role.READER, "sn"),
    DemoUser("demo-revisor", "Eva", "Bergström", Role.AUDITOR, "kf"),
]

# Who writes each organisation's plan (everything else: the administrator).
PLAN_WRITERS = {"sn": "demo-social", "uan": "demo-skola"}
# Activities of these units are added by the unit's own editor, in the plans they belong to.
UNIT_WRITERS = {"jobbcentrum": "demo-enhet"}

# --- the vision, the term and its strategic goals -------------------------------------------

VISION = {"name": "Vision 2030", "text": "", "horizon_year": 2030}
TERM = {
    "name": "Samhällsbygget Enköping",
    "start_year": 2016,
    "end_year": 2019,
    "description": (
        "År 2019 ska Enköpings kommun vara ett samhällsbygge som får människor att växa, skapar "
        "en hållbar framtid och ger förutsättningar för ett blomstrande näringsliv. De strategiska "
        "målen antogs av kommunfullmäktige i oktober 2015 och gäller 2016–2019."
    ),
}
STRATEGIC_GOALS = [
    (
        "Samhällsbygget Enköping får människor att växa",
        "Utifrån individens behov av utveckling får alla förutsättningar att hitta sitt allra "
        "bästa jag.",
    ),
    (
        "Samhällsbygget Enköping skapar en hållbar framtid",
        "Medvetna om att våra resurser är ändliga hushåller vi långsiktigt och förebyggande.",
    ),
    ("Samhällsbygget Enköping utvecklar ett jämlikt samhälle", ""),
    (
        "Samhällsbygget Enköping ger förutsättningar för ett blomstrande näringsliv och en ökad "
        "välfärd",
        "",
    ),
    ("Samhällsbygget Enköping är en del av vårt varumärke", ""),
]

# --- plans, effect goals and activities -----------------------------------------------------


@dataclass(frozen=True)
class Act:
    title: str
    unit: str
    start: tuple = (1, 15)  # (month, day) in the plan's year
    end: tuple = (12, 15)
    description: str = ""


@dataclass(frozen=True)
class Goal:
    title: str
    supports: tuple  # numbers of the strategic goals
    description: str = ""
    activities: tuple = ()


@dataclass(frozen=True)
class PlanText:
    responsibility: str
    direction: str
    goals: tuple = ()


# Changes made to a copied plan.
@dataclass(frozen=True)
class AddGoal:
    goal: Goal
    number: int | None = None


@dataclass(frozen=True)
class EditGoal:
    number: int
    title: str | None = None
    description: str | None = None
    supports: tuple | None = None
    new_number: int | None = None


@dataclass(frozen=True)
class DropGoal:
    number: int


@dataclass(frozen=True)
class AddActivity:
    number: int
    activity: Act


@dataclass(frozen=True)
class EditPlan:
    responsibility: str | None = None
    direction: str | None = None


PLANS_2016 = {
    "ks": PlanText(
        "Kommunstyrelsen leder och samordnar kommunens verksamhet och har uppsikt över nämnder, "
        "bolag och kommunalförbund. Styrelsen ansvarar för ekonomi, personal, näringsliv, "
        "samhällsplanering och kommunikation.",
        "Kommunstyrelsen samordnar arbetet med Samhällsbygget Enköping i dialog med nämnderna och "
        "följer upp att effektmålen tillsammans för kommunen mot de strategiska målen.",
        (
            Goal(
                "Fler företagare ska uppleva ett gott företagsklimat i Enköping",
                (4,),
                "Företagen ska möta en snabb, enkel och rättssäker service när de har kontakt med "
                "kommunen. Följs upp med SKR:s servicemätning Insikt (NKI).",
                (
                    Act("Införa en företagslots för etableringar och tillstånd", "klk", (2, 1)),
                    Act("Frukostmöten med näringslivet varje kvartal", "klk", (1, 20), (12, 10)),
                ),
            ),
            Goal(
                "Fler invånare ska uppleva att de kan vara med och påverka",
                (3,),
                "Invånarna ska uppleva att kommunen lyssnar. Följs upp med SCB:s "
                "medborgarundersökning (Nöjd-Inflytande-Index) och delaktighetsindex i KKiK.",
                (Act("Medborgardialoger i kommunens alla kommundelar", "klk", (3, 1), (11, 30)),),
            ),
            Goal(
                "Enköping ska vara känt som Sveriges närmaste stad",
                (5, 4),
                "Fler ska känna till Enköping och vilja bo, arbeta och etablera sig här. Följs upp "
                "med andelen som är nöjda med att bo i Enköping i ortsundersökningen.",
                (Act("Ta fram en plattform för platsvarumärket", "klk", (2, 1), (10, 31)),),
            ),
            Goal(
                "Invånarna ska kunna sköta sina ärenden med kommunen digitalt",
                (2,),
                "Digitalt ska vara normen. Fler e-tjänster ger invånarna service när det passar "
                "dem och minskar resor och pappersutskick.",
                (Act("Införa tio nya e-tjänster", "sf", (1, 15), (12, 15)),),
            ),
        ),
    ),
    "skn": PlanText(
        "Skolnämnden ansvarar för förskola, pedagogisk omsorg, förskoleklass, grundskola, "
        "grundsärskola och fritidshem.",
        "Nämnden arbetar för att varje barn och elev ska utvecklas så långt som möjligt, i en trygg "
        "miljö med studiero.",
        (
            Goal(
                "Fler elever ska vara behöriga till gymnasieskolan",
                (1, 3),
                "Alla elever ska lämna grundskolan med goda förutsättningar för fortsatta studier. "
                "Följs upp med andelen elever i årskurs 9 som är behöriga till ett yrkesprogram.",
                (
                    Act("Utökad läxhjälp och studiestöd i årskurs 7–9", "grundskola", (1, 15)),
                    Act("Uppföljning av elevernas kunskapsutveckling varje termin", "buf"),
                ),
            ),
            Goal(
                "Eleverna ska känna sig trygga och ha studiero",
                (1,),
                "Följs upp med kommunens elevenkät: andelen elever som känner sig trygga i skolan.",
                (Act("Trygghetsplan på varje skola", "grundskola", (1, 15), (6, 15)),),
            ),
            Goal(
                "Barnen i förskolan ska få en god start i sitt lärande",
                (1, 3),
                "",
                (Act("Mindre barngrupper i förskolan", "forskola", (1, 15), (12, 20)),),
            ),
        ),
    ),
    "von": PlanText(
        "Vård- och omsorgsnämnden ansvarar för äldreomsorg, stöd och service till personer med "
        "funktionsnedsättning och kommunal hälso- och sjukvård.",
        "Insatserna ska utgå från den enskildes behov. Nämnden utvecklar delaktighet, trygghet och "
        "bemötande och arbetar förebyggande.",
        (
            Goal(
                "Brukarna ska känna sig delaktiga i sin vård och omsorg",
                (3, 1),
                "Uppfyllt när minst 90 procent positiva svar om delaktighet i brukarundersökningen.",
                (
                    Act("Genomförandeplaner görs tillsammans med varje brukare", "hemtjanst"),
                    Act("Brukarråd på vård- och omsorgsboendet", "ekbacken", (2, 1), (11, 30)),
                ),
            ),
            Goal(
                "Brukarna ska känna sig trygga",
                (1,),
                "Uppfyllt när minst 80 procent positiva svar om trygghet i brukarundersökningen.",
                (Act("Fast omsorgskontakt i hemtjänsten", "hemtjanst", (3, 1)),),
            ),
            Goal(
                "Brukarna ska uppleva ett gott bemötande",
                (3,),
                "Uppfyllt när minst 90 procent positiva svar om bemötande i brukarundersökningen.",
                (Act("Utbildning i bemötande för alla medarbetare", "vof", (2, 1), (10, 31)),),
            ),
        ),
    ),
    "un": PlanText(
        "Utbildningsnämnden ansvarar för gymnasieskola, gymnasiesärskola, kommunal "
        "vuxenutbildning och svenska för invandrare.",
        "Fler ska fullfölja sina studier och gå vidare till arbete eller högre studier. "
        "Utbildningarna utvecklas tillsammans med arbetsgivarna i regionen.",
        (
            Goal(
                "Fler elever ska ta examen från gymnasieskolan inom fyra år",
                (1,),
                "",
                (
                    Act(
                        "Tidiga insatser för elever som riskerar att inte nå examen",
                        "westerlundska",
                    ),
                ),
            ),
            Goal(
                "Fler vuxna ska gå vidare till arbete eller studier efter vuxenutbildningen",
                (4, 3),
                "",
                (Act("Yrkesutbildningar för vuxna tillsammans med arbetsgivare", "komvux"),),
            ),
            Goal(
                "Fler ungdomar ska välja att studera i Enköping",
                (5, 1),
                "Westerlundska gymnasiet ska vara ett attraktivt förstahandsval för ungdomar i "
                "Enköping och grannkommunerna.",
                (
                    Act(
                        "Öppet hus och programinformation i sociala medier",
                        "westerlundska",
                        (1, 10),
                        (3, 1),
                    ),
                ),
            ),
        ),
    ),
    "sn": PlanText(
        "Socialnämnden ansvarar för individ- och familjeomsorgen: stöd till barn, unga och "
        "familjer, missbruks- och beroendevård, ekonomiskt bistånd och arbetsmarknadsinsatser "
        "genom Jobbcentrum.",
        "Nämnden arbetar förebyggande och med tidiga, samordnade insatser så att fler blir "
        "självständiga och får en förbättrad livssituation.",
        (
            Goal(
                "Invånare med behov av stöd från både socialnämnden och vård- och "
                "omsorgsnämnden ska få samordnade insatser",
                (1,),
                "",
                (Act("Samordnade individuella planer (SIP) med vård och omsorg", "sof", (2, 1)),),
            ),
            Goal(
                "Fler placerade barn ska nå godkända betyg",
                (1, 3),
                "",
                (
                    Act(
                        "Skolstöd för familjehemsplacerade barn",
                        "familjeenheten",
                        (1, 15),
                        (12, 20),
                    ),
                ),
            ),
            Goal(
                "Brottsoffer och förövare i nära relation ska erbjudas en individuell insats",
                (1,),
                "",
                (Act("Stödsamtal för våldsutsatta och för den som utövar våld", "familjeenheten"),),
            ),
            Goal(
                "Fler ska komma i arbete eller studier genom Jobbcentrum",
                (4,),
                "",
                (
                    Act("Individuell plan mot arbete för alla med försörjningsstöd", "jobbcentrum"),
                    Act(
                        "Praktikplatser tillsammans med det lokala näringslivet",
                        "jobbcentrum",
                        (3, 1),
                    ),
                ),
            ),
        ),
    ),
    "upn": PlanText(
        "Upplevelsenämnden ansvarar för kultur, bibliotek, fritidsgårdar, idrotts- och "
        "fritidsanläggningar och stöd till föreningslivet.",
        "Ett attraktivt utbud, bra lokaler och dialog med föreningar och invånare gör Enköping "
        "till en plats där människor vill leva och mötas.",
        (
            Goal(
                "Invånarna ska uppleva ett attraktivt utbud av kultur- och fritidsaktiviteter",
                (1, 5),
                "Mäts med kundundersökning. Grönt = minst 75 procent måluppfyllelse, gult = 60–74 "
                "procent, rött = under 60 procent.",
                (
                    Act(
                        "Sommarlovsaktiviteter för barn och unga", "fritidsgardar", (6, 10), (8, 20)
                    ),
                    Act("Författarbesök och läsfrämjande för barn", "bibliotek", (2, 1), (11, 30)),
                ),
            ),
            Goal(
                "Invånarna ska ha tillgång till bra lokaler för kultur och fritid",
                (2, 3),
                "Lokalerna ska vara tillgängliga, funktionella och trygga. Mäts med "
                "kundundersökning.",
                (
                    Act(
                        "Tillgänglighetsinventering av idrottsanläggningarna",
                        "idrott",
                        (3, 1),
                        (9, 30),
                    ),
                ),
            ),
        ),
    ),
    "tn": PlanText(
        "Tekniska nämnden ansvarar för gator, parker och torg, kommunens fastigheter samt kost "
        "och lokalvård.",
        "Nämnden bidrar till en hållbar framtid genom minskad klimatpåverkan och till en trygg och "
        "levande stad.",
        (
            Goal(
                "Kommunens verksamheter ska minska sin klimatpåverkan",
                (2,),
                "Målet är att bli fossilfria.",
                (
                    Act("Solceller på kommunens fastigheter", "fastighet", (3, 1), (10, 31)),
                    Act("Minskat matsvinn i skolor och äldreboenden", "kost"),
                ),
            ),
            Goal(
                "Invånarna ska känna sig trygga i det offentliga rummet och i trafiken",
                (2, 3),
                "",
                (
                    Act(
                        "Bättre belysning längs gång- och cykelvägar", "gata_park", (4, 1), (11, 30)
                    ),
                ),
            ),
        ),
    ),
    "mbn": PlanText(
        "Miljö- och byggnadsnämnden ansvarar för bygglov och tillsyn enligt plan- och bygglagen, "
        "miljöbalken och livsmedelslagstiftningen.",
        "Myndighetsutövningen ska vara rättssäker, snabb och ge god service till invånare och "
        "företag.",
        (
            Goal(
                "Den som söker bygglov ska få ett snabbt och rättssäkert beslut",
                (4,),
                "",
                (Act("Digital bygglovsansökan", "bygglov", (2, 1), (12, 15)),),
            ),
            Goal(
                "Livsmedel och dricksvatten ska vara säkra för invånarna",
                (2,),
                "",
                (Act("Riskbaserad livsmedelskontroll", "miljo"),),
            ),
        ),
    ),
    "ofn": PlanText(
        "Överförmyndarnämnden utövar tillsyn över gode män, förvaltare och förmyndare.",
        "Huvudmännen ska kunna lita på att deras rättigheter och tillgångar tas om hand.",
        (
            Goal(
                "Huvudmän ska få ett rättssäkert stöd av gode män och förvaltare",
                (3,),
                "",
                (Act("Utbildning för nya gode män och förvaltare", "ofk", (3, 1), (11, 30)),),
            ),
            Goal(
                "Ensamkommande barn ska snabbt få en god man",
                (1, 3),
                "",
                (Act("Rekrytera fler gode män", "ofk"),),
            ),
        ),
    ),
    "vn": PlanText(
        "Valnämnden ansvarar för att genomföra allmänna val och folkomröstningar i kommunen.",
        "Alla röstberättigade ska kunna rösta enkelt och säkert.",
        (
            Goal(
                "Alla röstberättigade ska ha god tillgång till att rösta",
                (3,),
                "",
                (Act("Inventera vallokalernas tillgänglighet", "valkansliet", (3, 1), (10, 31)),),
            ),
        ),
    ),
    "ehb": PlanText(
        "AB Enköpings Hyresbostäder äger och förvaltar kommunens allmännyttiga hyresbostäder.",
        "Bolaget bidrar till de strategiska målen genom nyproduktion och trygga bostadsområden, "
        "enligt ägardirektivet.",
        (
            Goal(
                "Hyresgästerna ska trivas och känna sig trygga i sitt boende",
                (1, 3),
                "",
                (Act("Trygghetsvandringar i bostadsområdena", "ehb", (4, 1), (10, 31)),),
            ),
            Goal(
                "Fler hyresrätter ska byggas i Enköping",
                (4, 5),
                "",
                (Act("Nyproduktion av hyresrätter", "ehb", (1, 15), (12, 31)),),
            ),
        ),
    ),
    "ena": PlanText(
        "Ena Energi AB producerar el och fjärrvärme i kraftvärmeverket och distribuerar "
        "fjärrvärme i Enköping.",
        "Bolaget arbetar för en fossilfri fjärrvärmeproduktion.",
    ),
    "rt": PlanText(
        "Räddningstjänsten Enköping-Håbo är ett kommunalförbund som Enköping och Håbo bildade "
        "2008. Förbundet ansvarar för räddningstjänst och förebyggande arbete mot bränder och "
        "olyckor.",
        "Förbundet arbetar mer förebyggande, så att färre bränder och olyckor inträffar.",
        (
            Goal(
                "Färre invånare ska skadas i bränder och olyckor",
                (2, 3),
                "",
                (
                    Act(
                        "Brandskyddsinformation i alla skolor i årskurs 2 och 5",
                        "rt",
                        (1, 20),
                        (5, 31),
                    ),
                    Act("Hembesök om brandskydd hos äldre", "rt", (3, 1), (11, 30)),
                ),
            ),
        ),
    ),
    "vafab": PlanText(
        "VafabMiljö Kommunalförbund ansvarar för insamling och behandling av hushållens avfall i "
        "medlemskommunerna.",
        "Mer ska sorteras och återvinnas, mindre gå till förbränning.",
        (
            Goal(
                "Mer av hushållens avfall ska sorteras och återvinnas",
                (2,),
                "",
                (
                    Act(
                        "Information om matavfallsinsamling till alla hushåll",
                        "vafab",
                        (2, 1),
                        (6, 30),
                    ),
                ),
            ),
        ),
    ),
}

# What changes each year after the plans are copied forward.
CHANGES = {
    2017: {
        "ks": [
            EditGoal(
                2,
                description=(
                    "Invånarna ska uppleva att kommunen lyssnar. Följs upp med SCB:s "
                    "medborgarundersökning: Nöjd-Inflytande-Index var 39 år 2016. Delaktighetsindex "
                    "i KKiK var 52 av 100."
                ),
            ),
            AddActivity(2, Act("E-förslag på kommunens webbplats", "klk", (4, 1), (12, 15))),
        ],
        "skn": [AddActivity(1, Act("Utveckla studie- och yrkesvägledningen", "buf", (8, 15)))],
        "von": [
            AddGoal(
                Goal(
                    "Fallolyckor, trycksår och undernäring ska förebyggas",
                    (1, 2),
                    "Uppfyllt när processuppfyllnaden i Senior alert är grön.",
                    (Act("Riskbedömning i Senior alert för alla nya brukare", "ekbacken"),),
                )
            )
        ],
        "sn": [
            AddGoal(
                Goal(
                    "Färre hushåll ska behöva sociala kontrakt",
                    (3,),
                    "Antalet sociala kontrakt hos AB Enköpings Hyresbostäder ska minska från 91 "
                    "till 85.",
                    (
                        Act(
                            "Boendestöd som leder till eget förstahandskontrakt",
                            "ekonomiskt_bistand",
                        ),
                    ),
                )
            ),
            AddGoal(
                Goal(
                    "Enköping ska bli tryggare, med socialtjänstens bidrag till Tryggare Enköping",
                    (2,),
                    "",
                    (Act("Fältarbete kvällar och helger tillsammans med polisen", "sof", (3, 1)),),
                )
            ),
        ],
        "tn": [
            AddGoal(
                Goal(
                    "Torgen ska vara levande mötesplatser",
                    (4, 5),
                    "Mot målet att Enköping blir årets stadskärna 2025.",
                    (
                        Act(
                            "Sommaraktiviteter på torgen tillsammans med handeln",
                            "gata_park",
                            (5, 15),
                            (8, 31),
                        ),
                    ),
                )
            )
        ],
        "ehb": [AddActivity(2, Act("Detaljplanearbete för nya kvarter", "ehb", (2, 1), (9, 30)))],
    },
    2018: {
        "ks": [
            EditGoal(
                2,
                description=(
                    "Invånarna ska uppleva att kommunen lyssnar. Följs upp med SCB:s "
                    "medborgarundersökning: Nöjd-Inflytande-Index var 39 år 2016 och 43 år 2017. "
                    "Delaktighetsindex i KKiK var 52 år 2016 och 56 år 2017."
                ),
            ),
            AddGoal(
                Goal(
                    "Fler nyanlända ska komma i arbete eller studier",
                    (3, 4),
                    "En Enköpingsmodell för arbetsmarknad och integration.",
                    (Act("Samverkan med Arbetsförmedlingen om etableringen", "klk", (2, 1)),),
                )
            ),
        ],
        "skn": [
            AddGoal(
                Goal(
                    "Eleverna ska uppleva att skolan hjälper dem att må bra",
                    (1,),
                    "Barns och ungas psykiska hälsa är en förutsättning för lärandet.",
                    (
                        Act(
                            "Elevhälsans förebyggande arbete om psykisk hälsa", "grundskola", (2, 1)
                        ),
                    ),
                )
            )
        ],
        "un": [AddActivity(1, Act("Mentorer för elever i årskurs 1", "westerlundska", (8, 20)))],
        "sn": [
            AddGoal(
                Goal(
                    "Fler invånare ska uppleva att de är delaktiga i sina insatser",
                    (3,),
                    "Upplevd delaktighet ska öka från 81 till 85 procent.",
                    (Act("Delaktighetsmodell i utredningar", "familjeenheten", (2, 1)),),
                )
            ),
            AddGoal(
                Goal(
                    "Fler invånare ska uppleva att deras situation har förbättrats sedan de kom i "
                    "kontakt med socialtjänsten",
                    (3,),
                    "Följs upp med KKiK-måttet, som var 81 procent 2017.",
                    (Act("Uppföljningssamtal efter avslutad insats", "sof", (3, 1)),),
                )
            ),
        ],
        "upn": [
            AddGoal(
                Goal(
                    "Föreningar och invånare ska uppleva god dialog och samverkan",
                    (3,),
                    "Mäts med kundundersökning.",
                    (Act("Föreningsträffar två gånger per år", "kof", (3, 1), (10, 31)),),
                )
            )
        ],
        "mbn": [
            AddGoal(
                Goal(
                    "Företagen ska uppleva god service vid tillsyn och bygglov",
                    (4,),
                    "Följs upp med SKR:s servicemätning Insikt (NKI) för bygglov och miljö.",
                    (Act("Tillsynsbesök med återkoppling samma dag", "miljo", (2, 1)),),
                )
            )
        ],
        "ofn": [DropGoal(2)],
        "vn": [
            AddActivity(
                1,
                Act(
                    "Genomföra valen till riksdag, region och kommun den 9 september 2018",
                    "valkansliet",
                    (1, 15),
                    (9, 30),
                ),
            ),
            AddGoal(
                Goal(
                    "Valdeltagandet ska öka i de valdistrikt där det är lägst",
                    (3,),
                    "",
                    (Act("Information om valet på flera språk", "valkansliet", (5, 1), (9, 9)),),
                )
            ),
        ],
        "ena": [
            EditPlan(
                direction=(
                    "Bolaget arbetar för en fossilfri fjärrvärmeproduktion. Kommunfullmäktige "
                    "beslutade den 11 december 2017 att inleda förhandlingar om att sälja bolaget."
                )
            )
        ],
        "rt": [AddActivity(1, Act("Utbildning i brandskydd för kommunens personal", "rt", (9, 1)))],
    },
    2019: {
        "ks": [
            EditPlan(
                direction=(
                    "Kommunstyrelsen samordnar arbetet med Samhällsbygget Enköping i dialog med "
                    "nämnderna. Från 2019 är kommunledningskontoret och serviceförvaltningen en "
                    "förvaltning, kommunledningsförvaltningen."
                )
            ),
            DropGoal(3),
        ],
        "uan": [
            EditPlan(
                responsibility=(
                    "Utbildnings- och arbetsmarknadsnämnden ansvarar från 2019 för förskola, "
                    "grundskola, fritidshem, gymnasieskola och vuxenutbildning. Nämnden ersätter "
                    "skolnämnden och utbildningsnämnden."
                ),
                direction=(
                    "Nämnden samlar utbildningen från förskola till vuxenutbildning så att fler "
                    "når sina mål och går vidare till arbete eller studier."
                ),
            ),
            AddGoal(
                Goal(
                    "Fler elever ska ta examen från gymnasieskolan inom fyra år",
                    (1,),
                    "",
                    (
                        Act(
                            "Tidiga insatser för elever som riskerar att inte nå examen",
                            "westerlundska19",
                        ),
                    ),
                )
            ),
            AddGoal(
                Goal(
                    "Fler barn ska ha en meningsfull fritid i fritidshemmet",
                    (1, 3),
                    "Följer kommunfullmäktiges uppdrag att utveckla fritidshemsverksamheten.",
                    (Act("Fler fritidspedagoger och mindre grupper", "grundskola19", (1, 15)),),
                )
            ),
        ],
        "sn": [
            # The three most important effect goals of 2019; the rest are not continued.
            DropGoal(1),
            DropGoal(2),
            DropGoal(3),
            DropGoal(4),
            DropGoal(5),
            DropGoal(6),
            DropGoal(7),
            EditGoal(
                8,
                new_number=3,
                description=(
                    "2018 var KKiK-måttet 81 procent i Kolada. 2019 strävar vi efter KKiK-måttet "
                    "84 procent."
                ),
            ),
            AddGoal(
                Goal(
                    "Andelen personer som inte är aktuella för försörjningsstöd igen ett år "
                    "efter avslutat ärende ska öka",
                    (4, 3),
                    "2018 var KKiK-måttet 62 procent i Kolada. 2019 strävar vi efter KKiK-måttet "
                    "74 procent.",
                    (
                        Act(
                            "Individuell plan mot arbete för alla med försörjningsstöd",
                            "jobbcentrum",
                        ),
                        Act(
                            "Uppföljning ett år efter avslutat ärende", "ekonomiskt_bistand", (2, 1)
                        ),
                    ),
                ),
                number=1,
            ),
            AddGoal(
                Goal(
                    "Antalet placeringar i privata familjehem ska minska",
                    (1,),
                    "2018 hade vi åtta årsplaceringar. 2019 strävar vi efter att ha sju.",
                    (Act("Rekrytera fler kommunala familjehem", "familjeenheten", (2, 1)),),
                ),
                number=2,
            ),
        ],
        "upn": [EditGoal(1, supports=(1,))],
        "tn": [
            EditGoal(3, supports=(4,)),
            AddActivity(1, Act("Miljödiplomering enligt Svensk Miljöbas", "sbf", (2, 1))),
            AddGoal(
                Goal(
                    "Hamnområdet ska utvecklas till en attraktiv stadsdel",
                    (4, 2),
                    "",
                    (Act("Medborgardialog om hamnområdets utveckling", "sbf", (4, 1), (10, 31)),),
                )
            ),
        ],
        "vn": [
            AddActivity(
                1,
                Act(
                    "Genomföra valet till Europaparlamentet den 26 maj 2019",
                    "valkansliet",
                    (1, 15),
                    (6, 15),
                ),
            )
        ],
        "ehb": [EditGoal(2, supports=(4,))],
        "ena": [
            EditPlan(
                direction=(
                    "Bolaget arbetar för en fossilfri fjärrvärmeproduktion. Kommunfullmäktige "
                    "beslutade den 11 juni 2018 att inte sälja bolaget, som förblir helägt av "
                    "kommunen."
                )
            )
        ],
    },
}

# In 2019 the plan of Skolnämnden continues in UAN; Utbildningsnämnden's content is added anew.
CONTINUES_IN = {("skn", 2019): "uan"}
DRAFTS_2019 = {"sn", "uan", "ena", "vafab"}

# --- assignments and dialogue --------------------------------------------------------------


@dataclass(frozen=True)
class AssignmentSpec:
    year: int
    title: str
    recipients: tuple
    supports: tuple = ()
    amount: int | None = None
    deadline: datetime.date | None = None
    reference: str = ""
    description: str = ""


POLITICAL_PLAN_2019 = "Ur kommunfullmäktiges Politisk plan för 2019."
ASSIGNMENTS = [
    AssignmentSpec(
        2017,
        "Ta fram en gemensam handlingsplan för att fler nyanlända ska komma i arbete eller studier",
        ("ks", "sn", "un"),
        (3, 4),
        deadline=datetime.date(2017, 10, 31),
        reference="KF § 198/2016",
    ),
    AssignmentSpec(
        2017,
        "Utreda förutsättningarna för fler hyresrätter i kommunens mindre orter",
        ("ks", "ehb"),
        (4,),
        deadline=datetime.date(2017, 12, 31),
        reference="KF § 198/2016",
    ),
    AssignmentSpec(
        2018,
        "Förbättra belysningen längs gång- och cykelvägar för ökad trygghet",
        ("tn",),
        (2, 3),
        amount=1_500_000,
        deadline=datetime.date(2018, 11, 30),
        reference="KF § 187/2017",
    ),
    AssignmentSpec(
        2018,
        "Samordna stödet till barn och unga med psykisk ohälsa",
        ("sn", "skn"),
        (1,),
        amount=2_000_000,
        deadline=datetime.date(2018, 12, 31),
        reference="KF § 187/2017",
    ),
    AssignmentSpec(
        2019,
        "Utveckla fritidshemsverksamheten för minst fem miljoner kronor utöver verksamhetens "
        "budget för 2018",
        ("uan",),
        (1, 3),
        amount=5_000_000,
        deadline=datetime.date(2019, 12, 31),
        description=POLITICAL_PLAN_2019,
    ),
    AssignmentSpec(
        2019,
        "Fortsatt prioritering inom nämndens budget av gymnasieskolan med fem miljoner kronor",
        ("uan",),
        (1,),
        amount=5_000_000,
        deadline=datetime.date(2019, 12, 31),
        description=POLITICAL_PLAN_2019,
    ),
    AssignmentSpec(
        2019,
        "Redovisa det fortsatta arbetet med professionsutvecklingsprogrammet",
        ("uan",),
        (1,),
        deadline=datetime.date(2019, 12, 31),
        description=POLITICAL_PLAN_2019,
    ),
]

PLAN_COMMENT = (
    "Planen ger en tydlig bild av nämndens uppdrag. Inget av effektmålen är kopplat till "
    "strategiskt mål 2, en hållbar framtid. Hur bidrar nämnden dit i år?"
)
PLAN_REPLY = (
    "Tack! Det förebyggande arbetet med familjehem och försörjningsstöd bidrar även till mål 2. "
    "Vi tar upp kopplingen på nämndens sammanträde i januari."
)
GOAL_COMMENT = (
    "Är antalet placeringar ett effektmål för invånarna eller ett mått på nämndens arbete? "
    "Beskriv gärna vilken effekt barnen och familjerna ska märka."
)

# --- building --------------------------------------------------------------------------------


def already_loaded() -> bool:
    return Organisation.objects.filter(kind=Kind.COUNCIL).exists()


@dataclass
class Builder:
    report: Callable[[str], None]
    orgs: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    goals: dict = field(default_factory=dict)  # strategic goal number -> StrategicGoal
    plans: dict = field(default_factory=dict)  # (org key, year) -> Plan
    term: Term | None = None

    # people

    def _create_user(self, spec, *, superuser=False):
        user_model = get_user_model()
        user = user_model.objects.filter(username=spec.username).first()
        if user is None:
            user = user_model.objects.create_user(
                username=spec.username, first_name=spec.first_name, last_name=spec.last_name
            )
        user.set_unusable_password()
        user.is_superuser = superuser
        user.save()
        return user

    def _fresh(self, username):
        """The user as a new request would see it, so its grants reflect its roles now."""
        return get_user_model().objects.get(username=username)

    @property
    def admin(self):
        return self.users[ADMIN_USERNAME]

    def actor(self, username):
        return self.users.get(username) or self.admin

    # organisation and people

    def build_organisation(self):
        self.report("Organisation and users…")
        admin_spec = next(u for u in USERS if u.username == ADMIN_USERNAME)
        # Bootstrap: nobody holds a role yet, so the administrator starts as a superuser, creates
        # the council and its own Administrator role through the operations, and then gives the
        # superuser flag up. From then on it acts through its role like any administrator.
        bootstrap = self._create_user(admin_spec, superuser=True)
        for spec in ORGANISATIONS:
            data = {
                "name": spec.name,
                "short_name": spec.short_name,
                "kind": spec.kind,
                "parent": self.orgs[spec.parent] if spec.parent else None,
                "valid_from": spec.valid_from,
                "valid_to": spec.valid_to,
                "order": 10 * (len(self.orgs) + 1),
            }
            self.orgs[spec.key] = organisation_services.organisation_save(
                user=bootstrap,
                data=data,
                predecessors=[self.orgs[key] for key in spec.predecessors],
            )
            if spec.kind == Kind.COUNCIL:
                organisation_services.role_assign(
                    user=bootstrap,
                    person=bootstrap,
                    organisation=self.orgs[spec.key],
                    role=admin_spec.role,
                )
                bootstrap.is_superuser = False
                bootstrap.save(update_fields=["is_superuser"])
                bootstrap = self._fresh(ADMIN_USERNAME)
        admin = self._fresh(ADMIN_USERNAME)
        for spec in USERS:
            if spec.username == ADMIN_USERNAME:
                continue
            person = self._create_user(spec)
            organisation_services.role_assign(
                user=admin, person=person, organisation=self.orgs[spec.organisation], role=spec.role
            )
        self.users = {spec.username: self._fresh(spec.username) for spec in USERS}

    # the council's level

    def build_term(self):
        self.report("Vision, term and strategic goals…")
        office = self.actor("demo-kontoret")
        vision = services.vision_save(user=office, data=VISION)
        term = services.term_save(user=office, data={**TERM, "vision": vision})
        for number, (title, description) in enumerate(STRATEGIC_GOALS, start=1):
            self.goals[number] = services.strategic_goal_save(
                user=office,
                term=term,
                data={"number": number, "title": title, "description": description},
            )
        self.term = term

    def build_assignments(self, year):
        office = self.actor("demo-kontoret")
        for spec in ASSIGNMENTS:
            if spec.year != year:
                continue
            services.assignment_save(
                user=office,
                data={
                    "term": self.term,
                    "year": spec.year,
                    "title": spec.title,
                    "description": spec.description,
                    "earmarked_amount": Decimal(spec.amount) if spec.amount is not None else None,
                    "deadline": spec.deadline,
                    "decision_reference": spec.reference,
                },
                recipients=[self.orgs[key] for key in spec.recipients],
                strategic_goals=[self.goals[n] for n in spec.supports],
            )

    # plans

    def _writer(self, org_key):
        return self.actor(PLAN_WRITERS.get(org_key, ADMIN_USERNAME))

    def _add_activity(self, org_key, effect_goal, act: Act):
        year = effect_goal.plan.year
        writer = self.users.get(UNIT_WRITERS.get(act.unit, ""))
        if writer is None or PLAN_WRITERS.get(org_key) is None:
            writer = self._writer(org_key)
        return services.activity_create(
            user=writer,
            effect_goal=effect_goal,
            data={
                "title": act.title,
                "description": act.description,
                "responsible_unit": self.orgs[act.unit],
                "start_date": datetime.date(year, *act.start),
                "end_date": datetime.date(year, *act.end),
            },
        )

    def _add_goal(self, org_key, plan, goal: Goal, number=None):
        effect_goal = services.effect_goal_create(
            user=self._writer(org_key),
            plan=plan,
            title=goal.title,
            description=goal.description,
            strategic_goals=[self.goals[n] for n in goal.supports],
            number=number,
        )
        for act in goal.activities:
            self._add_activity(org_key, effect_goal, act)
        return effect_goal

    def _apply(self, org_key, plan, change):
        writer = self._writer(org_key)
        if isinstance(change, AddGoal):
            self._add_goal(org_key, plan, change.goal, change.number)
        elif isinstance(change, AddActivity):
            self._add_activity(
                org_key, plan.effect_goals.get(number=change.number), change.activity
            )
        elif isinstance(change, DropGoal):
            services.effect_goal_delete(
                user=writer, effect_goal=plan.effect_goals.get(number=change.number)
            )
        elif isinstance(change, EditGoal):
            effect_goal = plan.effect_goals.get(number=change.number)
            data = {
                name: value
                for name, value in (
                    ("title", change.title),
                    ("description", change.description),
                    ("number", change.new_number),
                )
                if value is not None
            }
            supports = (
                [self.goals[n] for n in change.supports]
                if change.supports is not None
                else list(effect_goal.strategic_goals.all())
            )
            services.effect_goal_update(
                user=writer, effect_goal=effect_goal, data=data, strategic_goals=supports
            )
        elif isinstance(change, EditPlan):
            data = {
                name: value
                for name, value in (
                    ("responsibility", change.responsibility),
                    ("direction", change.direction),
                )
                if value is not None
            }
            services.plan_update(user=writer, plan=plan, data=data)
        else:  # pragma: no cover - a mistake in the data above
            raise TypeError(change)

    def _move_activities_to_successors(self, org_key, plan):
        """Copied activities whose unit has closed go to the unit that took over its work."""
        activities = Activity.objects.filter(effect_goal__plan=plan).select_related(
            "responsible_unit"
        )
        for activity in activities:
            unit = activity.responsible_unit
            if unit.is_valid_in_year(plan.year):
                continue
            successors = [s for s in unit.successors.all() if s.is_valid_in_year(plan.year)]
            if len(successors) != 1:
                raise ValueError(f"{unit} has no single successor in {plan.year}")
            services.activity_update(
                user=self._writer(org_key),
                activity=activity,
                data={"responsible_unit": successors[0]},
            )

    def _plan_organisations(self, year):
        return [
            spec.key
            for spec in ORGANISATIONS
            if spec.kind in Organisation.PLAN_KINDS and self.orgs[spec.key].is_valid_in_year(year)
        ]

    def build_year(self, year):
        self.report(f"Plans {year}…")
        self.build_assignments(year)
        sources = {}
        if year > FIRST_YEAR:
            for (org_key, plan_year), plan in self.plans.items():
                if plan_year == year - 1:
                    target = CONTINUES_IN.get((org_key, year), org_key)
                    if self.orgs[target].is_valid_in_year(year):
                        sources[target] = plan
        for org_key in self._plan_organisations(year):
            writer = self._writer(org_key)
            organisation = self.orgs[org_key]
            source = sources.get(org_key)
            if source is not None:
                plan = services.plan_copy_forward(
                    user=writer, plan=source, organisation=organisation
                )
                self._move_activities_to_successors(org_key, plan)
            else:
                text = PLANS_2016.get(org_key, PlanText("", ""))
                plan = services.plan_create(
                    user=writer,
                    organisation=organisation,
                    year=year,
                    responsibility=text.responsibility,
                    direction=text.direction,
                )
                if year == FIRST_YEAR:
                    for goal in text.goals:
                        self._add_goal(org_key, plan, goal)
            for change in CHANGES.get(year, {}).get(org_key, ()):
                self._apply(org_key, plan, change)
            self.plans[(org_key, year)] = plan
        for index, org_key in enumerate(self._plan_organisations(year)):
            if year == LAST_YEAR and org_key in DRAFTS_2019:
                continue
            spec = next(s for s in ORGANISATIONS if s.key == org_key)
            prefix = spec.minutes or spec.short_name or spec.name
            paragraph = 100 + (index * 17 + year * 7) % 120
            self.plans[(org_key, year)] = services.plan_adopt(
                user=self._writer(org_key),
                plan=self.plans[(org_key, year)],
                adopted_at=datetime.date(year - 1, 12, 4 + (index * 3) % 17),
                reference=f"{prefix} § {paragraph}",
            )

    def build_dialogue(self):
        self.report("Dialogue…")
        office = self.actor("demo-kontoret")
        board = self.actor("demo-social")
        plan = self.plans[("sn", LAST_YEAR)]
        comment = services.comment_add(user=office, plan=plan, text=PLAN_COMMENT)
        services.comment_add(user=board, plan=plan, text=PLAN_REPLY, reply_to=comment)
        services.comment_add(
            user=office,
            plan=plan,
            text=GOAL_COMMENT,
            effect_goal=plan.effect_goals.get(number=2),
        )

    def build(self):
        self.build_organisation()
        self.build_term()
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            self.build_year(year)
        self.build_dialogue()


def load(report: Callable[[str], None] = lambda message: None) -> dict:
    """Build the demo municipality; returns the number of objects of each kind."""
    with transaction.atomic():
        Builder(report=report).build()
    return counts()


def counts() -> dict:
    """The number of objects of each kind, named in the active language."""
    models = [
        Organisation,
        StrategicGoal,
        Assignment,
        Plan,
        EffectGoal,
        Activity,
        Comment,
        Term,
        Vision,
    ]
    result = {str(model._meta.verbose_name_plural): model.objects.count() for model in models}
    result[str(get_user_model()._meta.verbose_name_plural)] = (
        get_user_model().objects.filter(username__startswith="demo-").count()
    )
    return result


def logins():
    """(user name, full name, role, organisation) for every demo user that exists."""
    rows = []
    users = get_user_model().objects.filter(username__in=[u.username for u in USERS])
    by_name = {
        user.username: user for user in users.prefetch_related("role_assignments__organisation")
    }
    for spec in USERS:
        user = by_name.get(spec.username)
        if user is None:
            continue
        assignments = list(user.role_assignments.all()) or [None]
        for assignment in assignments:
            rows.append(
                (
                    user.username,
                    user.get_full_name(),
                    assignment.get_role_display() if assignment else "",
                    str(assignment.organisation) if assignment else "",
                )
            )
    return rows
