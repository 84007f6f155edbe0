"""The follow-up of the demo municipality: interim and annual reports 2016–2019, the executive
board's compilations and the council's adoptions, built through the domain operations.

Like `effekt.goals.demo`, everything is made by calling the operations in
`effekt.followup.services` as the demo user who would do it: the board's own editor writes and
submits its report (the administrator for organisations without a demo user of their own), and the
executive office (demo-kontoret) returns or accepts it, compiles the period and records the
council's adoption.

2016–2018 are complete: every report accepted (one report a year is first returned and completed)
and both compilations adopted. 2019 is the year in progress: the interim reports are in every
state, from not started to accepted, and nothing is compiled yet.

The assessments are deterministic (a seeded random.Random) and follow the distribution Enköping
reported: 2016 44 % fulfilled and 28 % partly fulfilled, 2017 58 % and 37 %. Figures in the texts
are the real ones Enköping published (Nöjd-Inflytande-Index, delaktighetsindex, the place survey,
the result and the budget deviations 2017); the rest is plausible demo content without figures.
"""

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from effekt.goals import demo as goals_demo
from effekt.goals.models import Plan
from effekt.organisations.models import Organisation

from . import selectors, services
from .models import Assessment, AssignmentProgress, Compilation, Cycle, GoalAssessment, Report

FIRST_YEAR = 2016
LAST_YEAR = 2019  # the year in progress: interim reports only, nothing compiled
OFFICE_USERNAME = "demo-kontoret"

F, P, N = Assessment.FULFILLED, Assessment.PARTLY, Assessment.NOT_FULFILLED
NOT_STARTED, STARTED, COMPLETED = (
    AssignmentProgress.NOT_STARTED,
    AssignmentProgress.STARTED,
    AssignmentProgress.COMPLETED,
)
INTERIM, ANNUAL = "interim", "annual"

# --- the cycles ----------------------------------------------------------------------------

# The interim period ends 31 August (the default) except 2018, when it ended 30 June.
CYCLES = {
    2018: {
        "interim_ends_on": datetime.date(2018, 6, 30),
        "interim_deadline": datetime.date(2018, 8, 20),
    },
}


@dataclass(frozen=True)
class Adoption:
    adopted_on: datetime.date
    minutes_paragraph: str
    case_number: str


# The council's adoption of each compilation. 16 April 2018 is the real date Enköping's council
# treated the annual report 2017; the other dates are Mondays in the same pattern.
ADOPTIONS = {
    (2016, INTERIM): Adoption(datetime.date(2016, 11, 14), "KF § 178", "KS2016/512"),
    (2016, ANNUAL): Adoption(datetime.date(2017, 4, 24), "KF § 52", "KS2017/98"),
    (2017, INTERIM): Adoption(datetime.date(2017, 11, 13), "KF § 171", "KS2017/498"),
    (2017, ANNUAL): Adoption(datetime.date(2018, 4, 16), "KF § 45", "KS2018/123"),
    (2018, INTERIM): Adoption(datetime.date(2018, 10, 15), "KF § 142", "KS2018/402"),
    (2018, ANNUAL): Adoption(datetime.date(2019, 4, 15), "KF § 48", "KS2019/117"),
}

# --- assessments ---------------------------------------------------------------------------

# Share of the year's effect goals (annual reports) fulfilled and partly fulfilled; the rest are
# not fulfilled. 2016 and 2017 as Enköping reported them; 2018 and the 2019 forecast like 2017.
SHARES = {
    2016: (0.44, 0.28),
    2017: (0.58, 0.37),
    2018: (0.60, 0.33),
    2019: (0.58, 0.35),
}

# Real figures, with the assessment they imply: (year, effect goal title) -> (assessment, text[,
# whether the usual sentence on the effect follows]).
FACTS = {
    (2016, "Fler invånare ska uppleva att de kan vara med och påverka"): (
        P,
        "Nöjd-Inflytande-Index i SCB:s medborgarundersökning blev 39, strax under genomsnittet 40 "
        "för de 131 kommuner som deltog. Delaktighetsindex i Kommunens kvalitet i korthet var 52 "
        "av 100.",
    ),
    (2017, "Fler invånare ska uppleva att de kan vara med och påverka"): (
        F,
        "Nöjd-Inflytande-Index ökade från 39 till 43, över genomsnittet 40. Delaktighetsindex i "
        "Kommunens kvalitet i korthet ökade från 52 till 56 av 100.",
    ),
    (2017, "Enköping ska vara känt som Sveriges närmaste stad"): (
        F,
        "I ortsundersökningen i slutet av 2017 var 72 procent nöjda med att bo i Enköping, och 69 "
        "procent skulle rekommendera andra att flytta hit.",
    ),
    (
        2018,
        "Fler invånare ska uppleva att deras situation har förbättrats sedan de kom i kontakt med "
        "socialtjänsten",
    ): (N, "KKiK-måttet var 81 procent, samma nivå som 2017."),
    (2018, "Alla röstberättigade ska ha god tillgång till att rösta"): (
        F,
        "Valen till riksdag, region och kommun genomfördes den 9 september 2018. Vallokalerna "
        "som inventerades 2016–2017 hade åtgärdats, och förtidsröstningen fanns på fler platser "
        "än tidigare.",
        False,  # the text says what the effect was
    ),
}
CONCLUSIONS = {
    F: "Målet är uppfyllt.",
    P: "Målet är delvis uppfyllt.",
    N: "Målet är inte uppfyllt.",
}


@dataclass(frozen=True)
class GoalText:
    """What a report says about one effect goal: how it is followed up (a noun phrase), the effect
    residents noticed (one text, or several to vary by year), why it fell short, what is done."""

    measure: str
    effect: tuple
    obstacle: str
    action: str


GOAL_TEXTS = {
    # Kommunstyrelsen
    "Fler företagare ska uppleva ett gott företagsklimat i Enköping": GoalText(
        "företagens betyg på kommunens service i servicemätningen Insikt",
        (
            "Företagen vittnar om snabbare besked och en tydligare väg in till kommunen genom "
            "företagslotsen.",
            "Frukostmötena med näringslivet är välbesökta, och företagen upplever att kommunen "
            "lyssnar.",
        ),
        "Handläggningstiderna för tillstånd har varit långa under perioder med hög "
        "arbetsbelastning, vilket drar ner företagens helhetsbetyg.",
        "Företagslotsen samordnar nu alla ärenden vid nya etableringar, och handläggningstiderna "
        "följs upp varje månad.",
    ),
    "Fler invånare ska uppleva att de kan vara med och påverka": GoalText(
        "Nöjd-Inflytande-Index i SCB:s medborgarundersökning",
        (
            "Medborgardialogerna i kommundelarna har samlat fler deltagare än tidigare, och "
            "synpunkterna har tagits med i planeringen.",
            "E-förslagen på webbplatsen har gett invånarna ett nytt sätt att väcka frågor.",
        ),
        "Invånarna får inte alltid veta vad som hände med deras synpunkter, och dialogerna har "
        "främst nått redan engagerade invånare.",
        "Återkopplingen efter varje medborgardialog publiceras på webbplatsen, och dialogerna "
        "riktas till grupper som sällan deltar, särskilt unga.",
    ),
    "Enköping ska vara känt som Sveriges närmaste stad": GoalText(
        "andelen som är nöjda med att bo i Enköping",
        (
            "Platsvarumärket används av kommunen, näringslivet och föreningarna, och fler känner "
            "till Enköpings läge mellan Stockholm och Uppsala.",
        ),
        "Plattformen för platsvarumärket blev klar senare än planerat och har ännu inte fått "
        "genomslag utanför kommunens egna kanaler.",
        "Varumärkesplattformen lanseras tillsammans med näringslivet, med en gemensam kampanj i "
        "Stockholm och Uppsala.",
    ),
    "Invånarna ska kunna sköta sina ärenden med kommunen digitalt": GoalText(
        "antalet ärenden som invånarna sköter digitalt",
        (
            "De nya e-tjänsterna används flitigt, särskilt ansökan om förskoleplats och "
            "felanmälan, och pappersutskicken har minskat.",
            "Fler invånare gör sina ansökningar när det passar dem, och kundtjänsten får färre "
            "samtal om blanketter.",
        ),
        "Flera e-tjänster kräver koppling till verksamhetssystem som inte var klara, och alla "
        "planerade tjänster hann inte införas.",
        "Tjänsterna med flest ärenden prioriteras, och införandet följs upp i ledningsgruppen "
        "varje kvartal.",
    ),
    "Fler nyanlända ska komma i arbete eller studier": GoalText(
        "andelen nyanlända som går vidare till arbete eller studier efter etableringen",
        (
            "Samverkan med Arbetsförmedlingen gör att fler nyanlända får en praktikplats eller "
            "börjar en yrkesutbildning direkt efter etableringen.",
        ),
        "Arbetsförmedlingens omställning har gjort samverkan osäker, och många nyanlända behöver "
        "längre tid i svenska för invandrare innan de kan ta ett arbete.",
        "En lokal överenskommelse med Arbetsförmedlingen tecknas, och kombinationen av svenska "
        "för invandrare och yrkesutbildning byggs ut.",
    ),
    # Skolnämnden, from 2019 Utbildnings- och arbetsmarknadsnämnden
    "Fler elever ska vara behöriga till gymnasieskolan": GoalText(
        "andelen elever i årskurs 9 som är behöriga till ett yrkesprogram",
        (
            "Läxhjälpen och studiestödet i årskurs 7–9 når de elever som behöver det mest, och "
            "fler klarar godkänt i kärnämnena.",
            "Uppföljningen av kunskapsutvecklingen varje termin gör att stödet sätts in tidigare.",
        ),
        "Många elever har kommit till Sverige under högstadiet och hinner inte bli behöriga, och "
        "flera skolor har haft svårt att rekrytera legitimerade lärare i matematik.",
        "Studiestödet förlängs med sommarlovsskola, och nyanlända elevers kunskaper kartläggs "
        "tidigare.",
    ),
    "Eleverna ska känna sig trygga och ha studiero": GoalText(
        "andelen elever som känner sig trygga i skolan enligt elevenkäten",
        (
            "Trygghetsplanerna har gjort vuxna mer synliga på rasterna, och eleverna beskriver en "
            "lugnare skolmiljö.",
        ),
        "Studieron brister fortfarande i några klasser på högstadiet, där elevenkäten visar fler "
        "negativa svar än i de andra årskurserna.",
        "Skolorna med lägst resultat får stöd av elevhälsan att ta fram gemensamma ordningsregler "
        "tillsammans med eleverna.",
    ),
    "Barnen i förskolan ska få en god start i sitt lärande": GoalText(
        "andelen vårdnadshavare som anser att förskolan stimulerar barnets lärande",
        (
            "Mindre barngrupper har gett pedagogerna mer tid för varje barn, och vårdnadshavarna "
            "är nöjda med förskolans arbete med språk och matematik.",
        ),
        "Antalet barn har ökat snabbare än antalet förskoleplatser, så barngrupperna har inte "
        "kunnat minska som planerat.",
        "Två nya förskolor planeras, och till dess används tillfälliga lokaler för att minska de "
        "största grupperna.",
    ),
    "Eleverna ska uppleva att skolan hjälper dem att må bra": GoalText(
        "andelen elever som upplever att skolan hjälper dem att må bra",
        (
            "Elevhälsans förebyggande arbete når alla årskurser, och fler elever vet vart de kan "
            "vända sig när de mår dåligt.",
        ),
        "Elevhälsan har haft vakanta kuratorstjänster, och det förebyggande arbetet har fått stå "
        "tillbaka för akuta ärenden.",
        "Vakanserna är tillsatta, och samarbetet med socialtjänsten om barn och unga med psykisk "
        "ohälsa har fått fasta former.",
    ),
    "Fler barn ska ha en meningsfull fritid i fritidshemmet": GoalText(
        "andelen vårdnadshavare som är nöjda med fritidshemmets verksamhet",
        (
            "Fler fritidspedagoger och mindre grupper ger barnen fler planerade aktiviteter, och "
            "färre barn går hem tidigt för att de har tråkigt.",
        ),
        "Det har varit svårt att rekrytera utbildade fritidspedagoger, så grupperna är fortfarande "
        "stora på flera skolor.",
        "Fritidshemmens personal erbjuds vidareutbildning till fritidspedagog på arbetstid.",
    ),
    # Utbildningsnämnden
    "Fler elever ska ta examen från gymnasieskolan inom fyra år": GoalText(
        "andelen elever som tar examen inom fyra år",
        (
            "De tidiga insatserna för elever som riskerar att inte nå examen har gjort att färre "
            "hoppar av eller byter program.",
            "Mentorerna i årskurs 1 fångar upp elever med hög frånvaro tidigt.",
        ),
        "Eleverna på introduktionsprogrammen behöver ofta längre tid än fyra år, och de är fler "
        "än tidigare.",
        "Frånvaron följs upp varje vecka, och elever som riskerar att inte nå examen får en "
        "individuell studieplan redan första terminen.",
    ),
    "Fler vuxna ska gå vidare till arbete eller studier efter vuxenutbildningen": GoalText(
        "andelen som arbetar eller studerar ett år efter avslutad vuxenutbildning",
        (
            "Yrkesutbildningarna inom vård, bygg och transport har tagits fram tillsammans med "
            "arbetsgivarna, och många deltagare får arbete direkt efter utbildningen.",
        ),
        "Flera deltagare har avbrutit yrkesutbildningen för att de behövt mer tid i svenska för "
        "invandrare.",
        "Svenska för invandrare kombineras med yrkesutbildning, med språkstöd i yrkesämnena.",
    ),
    "Fler ungdomar ska välja att studera i Enköping": GoalText(
        "andelen ungdomar i Enköping som väljer Westerlundska gymnasiet i första hand",
        (
            "Öppet hus och programinformationen i sociala medier har nått fler elever, också i "
            "grannkommunerna, och fler sökande har Westerlundska som förstahandsval.",
        ),
        "Många ungdomar väljer gymnasieskolor i Uppsala och Västerås, där programutbudet är "
        "större.",
        "Programutbudet ses över tillsammans med arbetsgivarna i regionen, och eleverna själva "
        "visar skolan för blivande elever.",
    ),
    # Vård- och omsorgsnämnden
    "Brukarna ska känna sig delaktiga i sin vård och omsorg": GoalText(
        "andelen positiva svar om delaktighet i brukarundersökningen",
        (
            "Genomförandeplanerna görs nu tillsammans med brukaren och de anhöriga, och brukarrådet "
            "på Ekbacken har lett till ändrade rutiner för måltiderna.",
        ),
        "Genomförandeplanerna har inte följts upp så ofta som rutinen säger, och delaktigheten "
        "upplevs lägre i hemtjänsten än på boendena.",
        "Uppföljningen av genomförandeplanerna ingår nu i varje verksamhets egenkontroll och "
        "redovisas för nämnden två gånger per år.",
    ),
    "Brukarna ska känna sig trygga": GoalText(
        "andelen positiva svar om trygghet i brukarundersökningen",
        (
            "Fast omsorgskontakt i hemtjänsten har minskat antalet personer som en brukare möter, "
            "vilket brukarna beskriver som den viktigaste förändringen.",
        ),
        "Hemtjänsten har haft hög personalomsättning och många vikarier, så brukarna möter "
        "fortfarande många olika personer.",
        "Hemtjänstens områden är indelade i mindre grupper, och schemat läggs så att samma "
        "personal kommer till samma brukare.",
    ),
    "Brukarna ska uppleva ett gott bemötande": GoalText(
        "andelen positiva svar om bemötande i brukarundersökningen",
        (
            "Alla tillsvidareanställda har gått utbildningen i bemötande, och klagomålen på "
            "bemötandet har minskat.",
        ),
        "Utbildningen har inte nått timanställda och vikarier, som gör en stor del av insatserna "
        "på kvällar och helger.",
        "Bemötandeutbildningen ingår nu i introduktionen för alla nyanställda och vikarier.",
    ),
    "Fallolyckor, trycksår och undernäring ska förebyggas": GoalText(
        "processuppfyllnaden i Senior alert",
        ("Riskbedömningar görs för nästan alla nya brukare, och åtgärderna följs upp i teamen.",),
        "Riskbedömningarna görs, men åtgärderna registreras inte alltid, så processen blir inte "
        "grön i Senior alert.",
        "Sjuksköterskorna går igenom registreringen i Senior alert med varje team en gång i "
        "månaden.",
    ),
    # Socialnämnden
    "Invånare med behov av stöd från både socialnämnden och vård- och omsorgsnämnden ska få "
    "samordnade insatser": GoalText(
        "antalet samordnade individuella planer som görs tillsammans med vård och omsorg",
        (
            "Personer med både missbruk och psykisk ohälsa får nu en gemensam plan i stället för "
            "två parallella kontakter.",
        ),
        "Rutinerna för samordnad individuell plan är inte kända av alla handläggare, och "
        "regionen deltar inte alltid.",
        "En gemensam utbildning om samordnad individuell plan ges för handläggarna i båda "
        "förvaltningarna och för regionens vårdcentraler.",
    ),
    "Fler placerade barn ska nå godkända betyg": GoalText(
        "andelen familjehemsplacerade barn som når godkända betyg",
        (
            "Skolstödet för placerade barn har gett fler barn en stabil skolgång, och samarbetet "
            "med skolorna har blivit tätare.",
        ),
        "Många barn har bytt skola i samband med placeringen och har kunskapsluckor som tar tid "
        "att ta igen.",
        "Varje placerat barn får en skolkartläggning vid placeringen, och familjehemssekreterarna "
        "följer upp betygen varje termin.",
    ),
    "Brottsoffer och förövare i nära relation ska erbjudas en individuell insats": GoalText(
        "andelen våldsutsatta och våldsutövare som erbjuds en individuell insats",
        (
            "Stödsamtalen gör att fler våldsutsatta får stöd tidigt, och fler som utövat våld har "
            "tackat ja till behandling.",
        ),
        "Väntetiden till stödsamtal har varit lång under perioder med vakanser i familjeenheten.",
        "Familjeenheten har anställt ytterligare en behandlare, och polisen hänvisar nu direkt "
        "till socialtjänsten.",
    ),
    "Fler ska komma i arbete eller studier genom Jobbcentrum": GoalText(
        "andelen deltagare i Jobbcentrum som går vidare till arbete eller studier",
        (
            "Praktikplatserna hos det lokala näringslivet har lett till anställning för flera "
            "deltagare, och färre hushåll behöver försörjningsstöd.",
            "Den individuella planen mot arbete ger varje deltagare ett tydligt nästa steg.",
        ),
        "Deltagarna står längre från arbetsmarknaden än tidigare, och många behöver insatser för "
        "hälsa och språk innan de kan ta ett arbete.",
        "Jobbcentrum erbjuder nu hälsofrämjande insatser och språkstöd tillsammans med "
        "vuxenutbildningen.",
    ),
    "Färre hushåll ska behöva sociala kontrakt": GoalText(
        "antalet sociala kontrakt hos AB Enköpings Hyresbostäder",
        ("Boendestödet har gjort att flera hushåll har kunnat ta över kontraktet i eget namn.",),
        "Bostadsbristen gör att hushåll med låga inkomster har svårt att få ett eget "
        "förstahandskontrakt.",
        "Socialförvaltningen och AB Enköpings Hyresbostäder har kommit överens om att kontraktet "
        "går över till hyresgästen efter ett år utan anmärkningar.",
    ),
    "Enköping ska bli tryggare, med socialtjänstens bidrag till Tryggare Enköping": GoalText(
        "andelen invånare som känner sig trygga i centrala Enköping på kvällen",
        (
            "Fältarbetet tillsammans med polisen gör vuxna mer närvarande där unga samlas på "
            "kvällar och helger.",
        ),
        "Otryggheten kring några platser i centrum har ökat, och fältarbetet har inte kunnat "
        "bemannas alla helger.",
        "Fältgruppen utökas under sommaren, och trygghetsvandringar görs tillsammans med polisen "
        "och fastighetsägarna.",
    ),
    "Fler invånare ska uppleva att de är delaktiga i sina insatser": GoalText(
        "andelen som upplever att de är delaktiga i sina insatser",
        (
            "Delaktighetsmodellen i utredningarna gör att barn och föräldrar kommer till tals "
            "tidigare.",
        ),
        "Delaktighetsmodellen har bara hunnit införas i familjeenheten.",
        "Modellen införs i hela socialförvaltningen under nästa år.",
    ),
    "Fler invånare ska uppleva att deras situation har förbättrats sedan de kom i kontakt med "
    "socialtjänsten": GoalText(
        "andelen som upplever att deras situation har förbättrats",
        (
            "Uppföljningssamtalen efter avslutad insats visar att många upplever att de har fått "
            "den hjälp de behövde.",
        ),
        "Uppföljningssamtalen efter avslutad insats kom i gång först under hösten och har inte "
        "hunnit påverka resultatet.",
        "Alla erbjuds ett uppföljningssamtal efter avslutad insats, och svaren används för att "
        "utveckla insatserna.",
    ),
    "Andelen personer som inte är aktuella för försörjningsstöd igen ett år efter avslutat "
    "ärende ska öka": GoalText(
        "andelen som inte är aktuella för försörjningsstöd ett år efter avslutat ärende",
        (
            "Uppföljningen ett år efter avslutat ärende gör att den som riskerar att behöva stöd "
            "igen får hjälp i tid.",
        ),
        "Flera hushåll har fått tidsbegränsade anställningar som tagit slut under året.",
        "Jobbcentrum följer upp deltagarna även efter att de fått arbete.",
    ),
    "Antalet placeringar i privata familjehem ska minska": GoalText(
        "antalet placeringar i privata familjehem",
        (
            "Fler kommunala familjehem har rekryterats, så barnen kan bo kvar närmare sin skola "
            "och sitt nätverk.",
        ),
        "Det har varit svårt att rekrytera kommunala familjehem till tonåringar.",
        "Rekryteringskampanjen riktas nu särskilt till familjer som kan ta emot tonåringar.",
    ),
    # Upplevelsenämnden
    "Invånarna ska uppleva ett attraktivt utbud av kultur- och fritidsaktiviteter": GoalText(
        "andelen nöjda med kultur- och fritidsutbudet i kundundersökningen",
        (
            "Sommarlovsaktiviteterna samlade många barn och unga, och biblioteken har haft fler "
            "besökare på författarbesöken.",
            "Det läsfrämjande arbetet för barn når alla förskolor i kommunen.",
        ),
        "Utbudet för unga vuxna upplevs som litet, och kundundersökningen visar lägre betyg i de "
        "mindre orterna.",
        "Fritidsgårdarna erbjuder aktiviteter även i de mindre orterna, och unga bjuds in att "
        "planera utbudet.",
    ),
    "Invånarna ska ha tillgång till bra lokaler för kultur och fritid": GoalText(
        "andelen nöjda med lokalerna i kundundersökningen",
        (
            "Tillgänglighetsinventeringen har lett till åtgärder i flera idrottshallar, och "
            "föreningarna är nöjdare med lokalerna.",
        ),
        "Flera idrottshallar är gamla och behöver renoveras, och efterfrågan på tider är större "
        "än utbudet.",
        "En plan för lokalerna för idrott och kultur tas fram tillsammans med tekniska nämnden.",
    ),
    "Föreningar och invånare ska uppleva god dialog och samverkan": GoalText(
        "föreningarnas betyg på dialogen med förvaltningen",
        (
            "Föreningsträffarna har blivit ett forum där föreningarna själva tar upp frågor och får "
            "svar direkt.",
        ),
        "Föreningarna upplever att besked om bidrag och lokaler dröjer.",
        "Förvaltningen inför en kontaktperson för varje förening.",
    ),
    # Tekniska nämnden
    "Kommunens verksamheter ska minska sin klimatpåverkan": GoalText(
        "de kommunala verksamheternas utsläpp av växthusgaser",
        (
            "Solcellerna på kommunens fastigheter producerar allt mer el, och matsvinnet i skolor "
            "och äldreboenden har minskat.",
        ),
        "Omställningen av kommunens fordon till fossilfria drivmedel har gått långsammare än "
        "planerat.",
        "Vid all upphandling av fordon och transporter ställs nu krav på fossilfria drivmedel.",
    ),
    "Invånarna ska känna sig trygga i det offentliga rummet och i trafiken": GoalText(
        "andelen invånare som känner sig trygga i trafiken och utomhus på kvällen",
        (
            "Den nya belysningen längs gång- och cykelvägarna gör att fler cyklar och går även "
            "under den mörka delen av året.",
        ),
        "Arbetet med belysningen blev försenat eftersom upphandlingen överprövades.",
        "Arbetet har återupptagits, och sträckorna som invånarna pekat ut vid "
        "trygghetsvandringarna prioriteras.",
    ),
    "Torgen ska vara levande mötesplatser": GoalText(
        "antalet besökare och evenemang på torgen",
        (
            "Sommaraktiviteterna på Stora torget tillsammans med handeln har lockat många besökare, "
            "och fler butiker har öppet på kvällen.",
        ),
        "Ombyggnaden i centrum har gjort torgen svåra att nå under delar av året.",
        "Aktiviteterna flyttas till de delar av torgen som är färdiga, och handeln informeras "
        "löpande om ombyggnaden.",
    ),
    "Hamnområdet ska utvecklas till en attraktiv stadsdel": GoalText(
        "invånarnas engagemang i utvecklingen av hamnområdet",
        (
            "Medborgardialogen om hamnområdet har samlat många förslag om mötesplatser och "
            "grönområden vid vattnet.",
        ),
        "Detaljplanearbetet för hamnområdet har tagit längre tid än beräknat.",
        "Dialogen fortsätter med en utställning av förslagen under hösten.",
    ),
    # Miljö- och byggnadsnämnden
    "Den som söker bygglov ska få ett snabbt och rättssäkert beslut": GoalText(
        "handläggningstiden för bygglov",
        (
            "Den digitala bygglovsansökan gör att ansökningarna är mer kompletta från början, och "
            "fler sökande får beslut inom den lagstadgade tiden.",
        ),
        "Antalet ansökningar har ökat kraftigt, och enheten har haft vakanta tjänster som "
        "bygglovshandläggare.",
        "Två nya bygglovshandläggare är anställda, och enkla ärenden handläggs i ett snabbspår.",
    ),
    "Livsmedel och dricksvatten ska vara säkra för invånarna": GoalText(
        "andelen planerade livsmedelskontroller som har genomförts",
        (
            "Den riskbaserade kontrollen riktar tillsynen mot de verksamheter där riskerna är "
            "störst.",
        ),
        "Kontrollskulden från tidigare år har inte hunnit arbetas bort.",
        "En extra livsmedelsinspektör anställs under ett år för att arbeta bort kontrollskulden.",
    ),
    "Företagen ska uppleva god service vid tillsyn och bygglov": GoalText(
        "företagens betyg i servicemätningen Insikt för bygglov och miljö",
        (
            "Företagen uppskattar återkopplingen samma dag vid tillsynsbesöken och får direkt "
            "besked om vad de behöver åtgärda.",
        ),
        "Företagen upplever att det är svårt att få tag på rätt handläggare.",
        "En gemensam ingång för företagens frågor om tillsyn och bygglov införs.",
    ),
    # Överförmyndarnämnden
    "Huvudmän ska få ett rättssäkert stöd av gode män och förvaltare": GoalText(
        "andelen årsräkningar som granskas inom sex månader",
        (
            "Utbildningen för nya gode män och förvaltare gör att redovisningarna är mer "
            "fullständiga från början.",
        ),
        "Antalet ärenden har ökat, och granskningen av årsräkningarna har tagit längre tid än "
        "målet.",
        "Granskningen prioriteras under våren, och digital inlämning av årsräkningar införs.",
    ),
    "Ensamkommande barn ska snabbt få en god man": GoalText(
        "tiden från ankomst till att barnet får en god man",
        (
            "Rekryteringen av fler gode män gör att ensamkommande barn får en god man inom några "
            "dagar.",
        ),
        "Många ensamkommande barn kom på kort tid, och det tog tid att rekrytera tillräckligt "
        "många gode män.",
        "Nya gode män har rekryterats och utbildats, och kansliet har en jourlista för nya "
        "ärenden.",
    ),
    # Valnämnden
    "Alla röstberättigade ska ha god tillgång till att rösta": GoalText(
        "tillgängligheten i vallokalerna och förtidsröstningen",
        (
            "Inventeringen visar vilka vallokaler som behöver åtgärdas, och åtgärderna är "
            "planerade i god tid före valen.",
        ),
        "Några vallokaler på landsbygden är inte tillgängliga för den som använder rullstol.",
        "Valnämnden byter de vallokaler som inte kan göras tillgängliga.",
    ),
    "Valdeltagandet ska öka i de valdistrikt där det är lägst": GoalText(
        "valdeltagandet i de valdistrikt där det var lägst 2014",
        (
            "Informationen om valet på flera språk och närvaron i bostadsområdena har nått väljare "
            "som tidigare inte röstat.",
        ),
        "Valdeltagandet ökade, men skillnaden mot kommunen som helhet är fortfarande stor.",
        "Inför nästa val samarbetar valnämnden med föreningarna i bostadsområdena.",
    ),
    # AB Enköpings Hyresbostäder
    "Hyresgästerna ska trivas och känna sig trygga i sitt boende": GoalText(
        "hyresgästernas betyg på tryggheten i bolagets hyresgästenkät",
        (
            "Trygghetsvandringarna har lett till bättre belysning och nya lås i flera "
            "bostadsområden.",
        ),
        "Skadegörelse och inbrott i källarförråd har ökat i två områden.",
        "Bolaget byter lås till förråden och samarbetar med polisen och socialtjänsten i områdena.",
    ),
    "Fler hyresrätter ska byggas i Enköping": GoalText(
        "antalet färdigställda hyresrätter",
        ("Nyproduktionen har gett fler lägenheter, och efterfrågan är fortsatt stor.",),
        "Detaljplanearbetet har tagit längre tid än beräknat, och byggstarten har skjutits fram.",
        "Bolaget och kommunen har tagit fram en gemensam tidplan för detaljplanerna.",
    ),
    # Räddningstjänsten Enköping-Håbo
    "Färre invånare ska skadas i bränder och olyckor": GoalText(
        "antalet skadade i bränder och olyckor",
        (
            "Brandskyddsinformationen i skolorna och hembesöken hos äldre når många, och antalet "
            "bostadsbränder har minskat.",
        ),
        "Trafikolyckorna på E18 och väg 55 har inte minskat, och där skadas flest.",
        "Förbundet samverkar med Trafikverket och polisen om trafiksäkerheten, och hembesöken "
        "fortsätter.",
    ),
    # VafabMiljö Kommunalförbund
    "Mer av hushållens avfall ska sorteras och återvinnas": GoalText(
        "andelen av hushållens avfall som sorteras ut för återvinning",
        ("Matavfall samlas nu in från alla hushåll, och mer matavfall blir biogas.",),
        "Restavfallet innehåller fortfarande mycket förpackningar och matavfall som borde ha "
        "sorterats ut.",
        "Plockanalyser görs i bostadsområdena och följs av riktad information till hushållen.",
    ),
}

FALLBACK_TEXT = GoalText(
    "resultatet för effektmålet",
    ("Aktiviteterna har genomförts, och effekten för invånarna följs upp.",),
    "Aktiviteterna kom i gång senare än planerat.",
    "Aktiviteterna prioriteras under resten av året och följs upp varje månad.",
)

# Analysis templates, by period kind and assessment. {Measure} starts a sentence.
TEMPLATES = {
    (ANNUAL, F): (
        "Målet är uppfyllt. {Measure} har utvecklats positivt under året och når målnivån. "
        "{effect}",
        "{Measure} har utvecklats positivt jämfört med föregående år. {effect} Aktiviteterna har "
        "genomförts som planerat, och arbetssättet fortsätter.",
        "{effect} Uppföljningen visar att {measure} har nått målnivån, så målet bedöms som "
        "uppfyllt.",
    ),
    (ANNUAL, P): (
        "Målet är delvis uppfyllt. {Measure} har utvecklats i rätt riktning men når inte hela "
        "vägen till målnivån. {effect}",
        "{effect} Ändå har {measure} inte utvecklats så mycket som planen räknade med, så målet "
        "bedöms som delvis uppfyllt.",
        "Utvecklingen går åt rätt håll men långsammare än planerat: {measure} ligger nära "
        "målnivån men når den inte.",
    ),
    (ANNUAL, N): (
        "Målet är inte uppfyllt. {Measure} har inte utvecklats i önskad riktning under året.",
        "{Measure} ligger kvar på samma nivå som föregående år, och den effekt planen siktade mot "
        "har uteblivit.",
        "Målet är inte uppfyllt. Aktiviteterna har bara delvis genomförts, och {measure} har inte "
        "utvecklats som planerat.",
    ),
    (INTERIM, F): (
        "Prognosen är att målet uppfylls. {Measure} har utvecklats positivt under årets första "
        "del. {effect}",
        "{effect} Aktiviteterna löper enligt plan, och vi bedömer att målet nås vid årets slut.",
    ),
    (INTERIM, P): (
        "Prognosen är att målet delvis uppfylls. {Measure} pekar åt rätt håll, men förbättringen "
        "går långsamt.",
        "{effect} Det är ändå osäkert om {measure} hinner nå målnivån i år, så prognosen är att "
        "målet delvis uppfylls.",
    ),
    (INTERIM, N): (
        "Prognosen är att målet inte uppfylls i år. {Measure} har inte utvecklats i önskad "
        "riktning under årets första del.",
        "Aktiviteterna har kommit i gång sent, och {measure} visar ännu ingen förbättring. "
        "Prognosen är att målet inte uppfylls.",
    ),
}

# --- assignments ---------------------------------------------------------------------------

HANDLINGSPLAN = "Ta fram en gemensam handlingsplan för att fler nyanlända"
HYRESRATTER = "Utreda förutsättningarna för fler hyresrätter"
BELYSNING = "Förbättra belysningen längs gång- och cykelvägar"
PSYKISK_OHALSA = "Samordna stödet till barn och unga med psykisk ohälsa"
FRITIDSHEM = "Utveckla fritidshemsverksamheten"
GYMNASIESKOLAN = "Fortsatt prioritering inom nämndens budget av gymnasieskolan"
PROFESSION = "Redovisa det fortsatta arbetet med professionsutvecklingsprogrammet"

# (start of the assignment's title, organisation key, period kind) -> (progress, comment)
ASSIGNMENT_REPORTS = {
    (HANDLINGSPLAN, "ks", INTERIM): (
        STARTED,
        "Kommunledningskontoret leder arbetet. En styrgrupp med socialförvaltningen, gymnasie- och "
        "vuxenutbildningsförvaltningen och Arbetsförmedlingen har kartlagt dagens insatser, och "
        "ett utkast till handlingsplan tas fram under hösten.",
    ),
    (HANDLINGSPLAN, "sn", INTERIM): (
        STARTED,
        "Jobbcentrum deltar i styrgruppen och har kartlagt vilka insatser nyanlända med "
        "försörjningsstöd erbjuds i dag.",
    ),
    (HANDLINGSPLAN, "un", INTERIM): (
        STARTED,
        "Vuxenutbildningen har kartlagt utbildningsvägarna för nyanlända, bland annat svenska för "
        "invandrare i kombination med yrkesutbildning.",
    ),
    (HANDLINGSPLAN, "ks", ANNUAL): (
        COMPLETED,
        "Kommunstyrelsen antog handlingsplanen i oktober. Den samlar insatserna från etableringen "
        "till arbete eller studier och följs upp två gånger per år.",
    ),
    (HANDLINGSPLAN, "sn", ANNUAL): (
        COMPLETED,
        "Handlingsplanen är klar. Jobbcentrum ansvarar för de arbetsmarknadsinriktade insatserna "
        "och har tagit emot de första deltagarna.",
    ),
    (HANDLINGSPLAN, "un", ANNUAL): (
        COMPLETED,
        "Handlingsplanen är klar. Vuxenutbildningen erbjuder från hösten svenska för invandrare i "
        "kombination med yrkesutbildning inom vård och bygg.",
    ),
    (HYRESRATTER, "ks", INTERIM): (
        STARTED,
        "Utredningen görs tillsammans med AB Enköpings Hyresbostäder. Markinnehav och "
        "detaljplaner i Grillby, Örsundsbro och Fjärdhundra har inventerats.",
    ),
    (HYRESRATTER, "ks", ANNUAL): (
        COMPLETED,
        "Utredningen redovisades för kommunstyrelsen i december. Den visar att det finns "
        "förutsättningar för nya hyresrätter i Grillby och Örsundsbro, där detaljplan finns.",
    ),
    (HYRESRATTER, "ehb", ANNUAL): (
        COMPLETED,
        "Bolaget har tillsammans med kommunen bedömt efterfrågan och byggkostnaderna i de mindre "
        "orterna. Ett första projekt i Örsundsbro planeras.",
    ),
    (BELYSNING, "tn", INTERIM): (
        STARTED,
        "Upphandlingen är klar, och arbetet med den nya belysningen längs de prioriterade gång- "
        "och cykelvägarna startade i maj. Hittills har ungefär en tredjedel av de riktade medlen "
        "använts.",
    ),
    (BELYSNING, "tn", ANNUAL): (
        COMPLETED,
        "Belysningen är ny eller utbytt längs alla prioriterade sträckor. De riktade medlen, "
        "1,5 miljoner kronor, har använts i sin helhet.",
    ),
    (PSYKISK_OHALSA, "sn", INTERIM): (
        STARTED,
        "En arbetsgrupp med elevhälsan har tagit fram rutiner för samordnade individuella planer "
        "för barn och unga.",
    ),
    (PSYKISK_OHALSA, "skn", INTERIM): (
        STARTED,
        "Elevhälsan och socialförvaltningen har gemensamma ärendedragningar varannan vecka sedan "
        "mars.",
    ),
    (PSYKISK_OHALSA, "sn", ANNUAL): (
        COMPLETED,
        "Rutinen för samverkan är antagen och används. Fler barn och unga har fått en samordnad "
        "individuell plan, och de riktade medlen har använts till två nya tjänster.",
    ),
    (PSYKISK_OHALSA, "skn", ANNUAL): (
        STARTED,
        "Rutinerna är på plats. Arbetet fortsätter 2019 i utbildnings- och "
        "arbetsmarknadsnämnden, där elevhälsan för alla åldrar samlas.",
    ),
    (FRITIDSHEM, "uan", INTERIM): (
        STARTED,
        "Fyra nya fritidspedagoger har anställts, och barngrupperna på de största fritidshemmen "
        "har delats.",
    ),
    (GYMNASIESKOLAN, "uan", INTERIM): (
        STARTED,
        "Medlen används till fler lärare i yrkesämnena och till mentorer för eleverna i årskurs 1.",
    ),
    (PROFESSION, "uan", INTERIM): (
        NOT_STARTED,
        "Redovisningen planeras till nämndens sammanträde i november.",
    ),
}

ASSIGNMENT_FALLBACK = {
    (INTERIM, STARTED): "Arbetet pågår enligt tidplanen och redovisas i årsredovisningen.",
    (ANNUAL, COMPLETED): "Uppdraget är genomfört och redovisat för nämnden.",
}

# --- results of the whole mission (annual reports) ------------------------------------------

MISSION = {
    "ks": "Kommunstyrelsen har lett och samordnat kommunens verksamhet och följt upp nämndernas, "
    "bolagens och kommunalförbundens arbete med Samhällsbygget Enköping vid delåret och "
    "årsskiftet.",
    "skn": "Skolnämnden har bedrivit förskola, förskoleklass, grundskola, grundsärskola och "
    "fritidshem. Antalet barn och elever har ökat, och nya förskoleplatser har tillkommit.",
    "von": "Vård- och omsorgsnämnden har gett stöd, service och omsorg till äldre och till "
    "personer med funktionsnedsättning och bedrivit kommunal hälso- och sjukvård. Behovet av "
    "hemtjänst har ökat.",
    "un": "Utbildningsnämnden har bedrivit gymnasieskola, gymnasiesärskola, kommunal "
    "vuxenutbildning och svenska för invandrare. Antalet elever i svenska för invandrare har ökat "
    "kraftigt.",
    "sn": "Socialnämnden har gett stöd till barn, unga och familjer, missbruks- och "
    "beroendevård och ekonomiskt bistånd, och har genom Jobbcentrum hjälpt fler att komma i "
    "arbete eller studier.",
    "upn": "Upplevelsenämnden har erbjudit bibliotek, kultur, fritidsgårdar och idrotts- och "
    "fritidsanläggningar och gett stöd till föreningslivet.",
    "tn": "Tekniska nämnden har skött gator, parker och torg och kommunens fastigheter och "
    "levererat måltider och lokalvård till kommunens verksamheter.",
    "mbn": "Miljö- och byggnadsnämnden har prövat bygglov och utövat tillsyn enligt plan- och "
    "bygglagen, miljöbalken och livsmedelslagstiftningen.",
    "ofn": "Överförmyndarnämnden har utövat tillsyn över gode män, förvaltare och förmyndare och "
    "granskat deras årsräkningar.",
    "vn": "Valnämnden har ansvarat för vallokaler, röstmottagare och förtidsröstning.",
    "ehb": "AB Enköpings Hyresbostäder har förvaltat och utvecklat bolagets bostäder enligt "
    "ägardirektivet. Lägenheterna är i det närmaste fullt uthyrda.",
    "ena": "Ena Energi AB har producerat el och fjärrvärme i kraftvärmeverket och levererat "
    "fjärrvärme till kunderna i Enköping, till största delen från förnybara bränslen.",
    "rt": "Räddningstjänsten Enköping-Håbo har gjort räddningsinsatser i båda "
    "medlemskommunerna och arbetat förebyggande med information, tillsyn och utbildning.",
    "vafab": "VafabMiljö Kommunalförbund har samlat in och behandlat hushållens avfall i "
    "medlemskommunerna och drivit återvinningscentralerna.",
}

MISSION_NOTES = {
    ("ks", 2016): "Kommunens resultat blev 48,5 miljoner kronor.",
    ("ks", 2017): "Kommunens resultat blev 73 miljoner kronor, trots underskott i vård- och "
    "omsorgsnämnden och socialnämnden.",
    ("ks", 2018): "Kommunstyrelsen har förberett organisationen från 2019, när "
    "kommunledningskontoret och serviceförvaltningen blir kommunledningsförvaltningen och "
    "skolnämnden och utbildningsnämnden blir utbildnings- och arbetsmarknadsnämnden.",
    ("von", 2017): "Nämnden redovisar ett underskott mot budget på 37,4 miljoner kronor, främst "
    "på grund av fler timmar i hemtjänsten och köpta platser.",
    ("sn", 2017): "Nämnden redovisar ett underskott mot budget på 14,8 miljoner kronor, främst på "
    "grund av placeringar av barn och unga och ökat ekonomiskt bistånd. Nämnden har beslutat om "
    "en åtgärdsplan med fler kommunala familjehem och tätare uppföljning av försörjningsstödet.",
    ("skn", 2018): "Från 2019 tar utbildnings- och arbetsmarknadsnämnden över nämndens verksamhet.",
    ("un", 2018): "Från 2019 tar utbildnings- och arbetsmarknadsnämnden över nämndens verksamhet.",
    ("ofn", 2016): "Många ensamkommande barn har behövt god man, och kansliet har rekryterat och "
    "utbildat fler gode män.",
    ("vn", 2016): "Inga allmänna val hölls under året.",
    ("vn", 2017): "Förberedelserna inför valen 2018 har börjat: vallokalerna har inventerats, och "
    "röstmottagare rekryteras.",
    ("vn", 2018): "Valen till riksdag, region och kommun den 9 september 2018 genomfördes utan "
    "anmärkningar.",
    ("ena", 2017): "Kommunfullmäktige beslutade den 11 december 2017 att inleda förhandlingar om "
    "att sälja bolaget.",
    ("ena", 2018): "Kommunfullmäktige beslutade den 11 juni 2018 att inte sälja bolaget, som "
    "förblir helägt av kommunen.",
}

# --- one report a year is returned and completed --------------------------------------------


@dataclass(frozen=True)
class Rework:
    """The report is first submitted with `first` in place of the final text of `part`
    ("goal <number>", "mission" or the start of an assignment's title); the office returns it
    with `comment`, the board completes it and submits again, and the office accepts."""

    part: str
    first: str
    comment: str
    addition: str = ""  # added to the final text of a goal's analysis when completed


REWORKS = {
    (2016, INTERIM, "mbn"): Rework(
        "goal 1",
        "Den digitala bygglovsansökan har införts under våren.",
        "Analysen av målet om bygglov beskriver vad som har gjorts men inte vilken effekt de "
        "sökande har märkt. Komplettera med hur handläggningstiden har utvecklats.",
        addition="Handläggningstiden följs upp varje månad sedan mars, och ärenden som riskerar "
        "att överskrida den lagstadgade tiden lyfts i enhetens veckomöte.",
    ),
    (2017, ANNUAL, "sn"): Rework(
        "mission",
        MISSION["sn"],
        "Resultatet av hela uppdraget behöver beskriva nämndens ekonomiska resultat: "
        "underskottet mot budget och vad nämnden gör åt det.",
    ),
    (2018, INTERIM, "tn"): Rework(
        BELYSNING,
        "Arbetet pågår.",
        "Redovisa hur långt uppdraget om belysningen längs gång- och cykelvägarna har kommit och "
        "hur mycket av de riktade medlen som har använts.",
    ),
}

# --- 2019, the interim report in progress ----------------------------------------------------

# Organisation key -> the state its 2019 interim report is left in. The other boards have not
# started theirs.
STATES_2019 = {
    "ks": Report.Status.ACCEPTED,
    "von": Report.Status.SUBMITTED,
    "tn": Report.Status.SUBMITTED,
    "uan": Report.Status.RETURNED,
    "sn": Report.Status.DRAFT,
}
RETURN_2019 = (
    "Uppdraget om fritidshemmen är förenat med fem miljoner kronor. Redovisa hur mycket som har "
    "använts hittills i år och till vad."
)

# --- the compilations ------------------------------------------------------------------------

STRATEGIC_NOTES = {
    1: "Målet bärs framför allt av skolans, vård och omsorgens och socialtjänstens effektmål om "
    "lärande, trygghet och vägen till ett självständigt liv.",
    2: "Hit hör klimatarbetet, avfallet, livsmedelskontrollen och det förebyggande arbetet mot "
    "bränder och olyckor.",
    3: "Målet har flest kopplade effektmål. De handlar om delaktighet, bemötande och lika "
    "möjligheter oavsett bakgrund.",
    4: "Företagsklimatet, bygglovshanteringen och vägen till arbete för dem som står långt från "
    "arbetsmarknaden avgör målet.",
    5: "Platsvarumärket, gymnasieskolans attraktionskraft och ett levande centrum bidrar till "
    "målet.",
}
CLOSING = {
    "green": "Målet bedöms som väl uppfyllt.",
    "yellow": "Målet är på väg att uppfyllas men kräver fortsatt uppmärksamhet.",
    "red": "Målet är långt ifrån uppfyllt, och kommunstyrelsen föreslår att nämnderna prioriterar "
    "det i nästa års planer.",
    "none": "",
}
OVERALL_CONTEXT = {
    (2016, INTERIM): "Det är det första året med de strategiska målen för 2016–2019, och flera "
    "nämnder har ännu inga mätvärden för sina nya effektmål.",
    (2016, ANNUAL): "Under året har nämnderna gått från smartmål till effektmål, och flera mål "
    "saknade mätvärden. Arbetet med att mäta effekterna för invånarna behöver utvecklas, och "
    "kommunstyrelsen stödjer nämnderna i det inför 2017.",
    (2017, INTERIM): "Vård- och omsorgsnämnden och socialnämnden prognostiserar underskott mot "
    "budget och har fått i uppdrag att ta fram åtgärdsplaner.",
    (2017, ANNUAL): "Förbättringen beror främst på att nämndernas aktiviteter nu ger effekt och på "
    "att fler effektmål har tydliga mått. Underskotten i vård- och omsorgsnämnden och "
    "socialnämnden visar samtidigt att behoven växer snabbare än resurserna.",
    (2018, INTERIM): "Delårsrapporten omfattar i år januari–juni.",
    (2018, ANNUAL): "Inför 2019 slås skolnämnden och utbildningsnämnden samman till utbildnings- "
    "och arbetsmarknadsnämnden. Analysen av 2018 är underlag för nämndernas planer för 2019, det "
    "sista året med de strategiska målen för 2016–2019.",
}

# --- building --------------------------------------------------------------------------------


def already_loaded() -> bool:
    return Cycle.objects.exists()


def _pct(part, whole) -> int:
    return round(100 * part / whole) if whole else 0


def _sv(value) -> str:
    """A percentage from the attainment data ('58.3') as Swedish writes it ('58,3')."""
    return str(value).replace(".", ",")


def _listing(parts) -> str:
    parts = [p for p in parts if p]
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " och " + parts[-1]


def _counted(counts) -> str:
    """'7 som uppfyllda, 1 som delvis uppfyllt och 2 som ej uppfyllda' (zeros left out)."""
    names = (
        ("fulfilled", "uppfyllt", "uppfyllda"),
        ("partly", "delvis uppfyllt", "delvis uppfyllda"),
        ("not_fulfilled", "ej uppfyllt", "ej uppfyllda"),
    )
    return _listing(
        f"{counts[key]} som {one if counts[key] == 1 else many}"
        for key, one, many in names
        if counts[key]
    )


@dataclass
class Builder:
    report: Callable[[str], None]
    users: dict = field(default_factory=dict)
    keys: dict = field(default_factory=dict)  # organisation pk -> key in goals_demo.ORGANISATIONS
    outcomes: dict = field(default_factory=dict)  # effect goal pk -> (interim, annual) assessment
    shares: dict = field(default_factory=dict)  # (year, kind) -> % fulfilled in the compilation

    def __post_init__(self):
        usernames = {OFFICE_USERNAME, goals_demo.ADMIN_USERNAME, *goals_demo.PLAN_WRITERS.values()}
        # Fresh objects: access grants are cached on the user object.
        self.users = {
            user.username: user for user in get_user_model().objects.filter(username__in=usernames)
        }
        by_name = {
            spec.name: spec.key
            for spec in goals_demo.ORGANISATIONS
            if spec.kind in Organisation.PLAN_KINDS
        }
        self.keys = {
            org.pk: by_name.get(org.name, "")
            for org in Organisation.objects.filter(kind__in=Organisation.PLAN_KINDS)
        }

    @property
    def office(self):
        return self.users[OFFICE_USERNAME]

    def writer(self, organisation):
        """The board's own editor, or the administrator for organisations without one."""
        username = goals_demo.PLAN_WRITERS.get(self.keys[organisation.pk], "")
        return self.users.get(username) or self.users[goals_demo.ADMIN_USERNAME]

    # assessments

    def decide_outcomes(self, year):
        """The year's assessment of every effect goal, at the interim report and the year's end.

        The year-end assessments follow SHARES over all the effect goals in the year's plans; the
        interim forecast is mostly the same, sometimes a step more or less hopeful."""
        plans = (
            Plan.objects.filter(year=year)
            .select_related("organisation")
            .prefetch_related("effect_goals")
            .order_by("organisation__order", "organisation__name")
        )
        goals = [goal for plan in plans for goal in plan.effect_goals.all()]
        fixed = {g.pk: FACTS[(year, g.title)][0] for g in goals if (year, g.title) in FACTS}
        fulfilled, partly = SHARES[year]
        wanted = {F: round(len(goals) * fulfilled), P: round(len(goals) * partly)}
        wanted[N] = len(goals) - wanted[F] - wanted[P]
        for value in fixed.values():
            wanted[value] -= 1
        labels = [value for value in (F, P, N) for _ in range(max(wanted[value], 0))]
        rng = random.Random(f"effekt-demo-{year}")
        rng.shuffle(labels)
        free = iter(labels)
        for goal in goals:
            annual = fixed.get(goal.pk) or next(free, P)
            self.outcomes[goal.pk] = (self._forecast(annual, rng), annual)

    @staticmethod
    def _forecast(annual, rng):
        chance = rng.random()
        if annual == F:
            return F if chance < 0.8 else P
        if annual == P:
            return P if chance < 0.6 else (F if chance < 0.85 else N)
        return P if chance < 0.5 else N

    def goal_row(self, row, kind, year, variant):
        """The dict report_save takes for one GoalAssessment row."""
        goal = row.effect_goal
        interim, annual = self.outcomes.get(goal.pk, (P, P))
        assessment = interim if kind == INTERIM else annual
        text = GOAL_TEXTS.get(goal.title, FALLBACK_TEXT)
        templates = TEMPLATES[(kind, assessment)]
        effect = text.effect[(year + goal.number) % len(text.effect)]
        analysis = templates[variant % len(templates)].format(
            Measure=text.measure[:1].upper() + text.measure[1:],
            measure=text.measure,
            effect=effect,
        )
        fact = FACTS.get((year, goal.title))
        if fact and kind == ANNUAL:  # the real figures, what residents noticed, the conclusion
            with_effect = (fact + (True,))[2] and assessment != N
            parts = (fact[1], effect if with_effect else "", CONCLUSIONS[assessment])
            analysis = " ".join(part for part in parts if part)
        short = assessment == F
        return {
            "id": row.pk,
            "version": row.version,
            "assessment": assessment,
            "analysis": analysis,
            "reasons": "" if short else text.obstacle,
            "actions": "" if short else text.action,
        }

    def assignment_row(self, row, org_key, kind):
        title = row.assignment.title
        progress, comment = next(
            (
                value
                for (start, key, period_kind), value in ASSIGNMENT_REPORTS.items()
                if title.startswith(start) and key == org_key and period_kind == kind
            ),
            (STARTED, ASSIGNMENT_FALLBACK[(INTERIM, STARTED)])
            if kind == INTERIM
            else (COMPLETED, ASSIGNMENT_FALLBACK[(ANNUAL, COMPLETED)]),
        )
        return {"id": row.pk, "version": row.version, "progress": progress, "comment": comment}

    def mission_results(self, org_key, year):
        text = MISSION.get(org_key, "Verksamheten har bedrivits enligt planen.")
        note = MISSION_NOTES.get((org_key, year))
        return f"{text} {note}" if note else text

    # reports

    def _contents(self, report, org_key, kind, year):
        """(mission results, goal rows, assignment rows) as the board writes them."""
        rows = report.assessments.select_related("effect_goal").order_by("effect_goal__number")
        goals = [
            self.goal_row(row, kind, year, variant=year + index + len(org_key))
            for index, row in enumerate(rows)
        ]
        assignments = [
            self.assignment_row(row, org_key, kind)
            for row in report.assignment_reports.select_related("assignment")
        ]
        mission = self.mission_results(org_key, year) if kind == ANNUAL else None
        return mission, goals, assignments

    def _save(self, writer, report, mission, goals, assignments):
        return services.report_save(
            user=writer,
            report=report,
            mission_results=mission,
            version=report.version,
            goals=goals,
            assignments=assignments,
        )

    def write_report(self, period, organisation, *, rework=None):
        """Open, write and submit the organisation's report; returns it submitted."""
        writer = self.writer(organisation)
        org_key = self.keys[organisation.pk]
        kind, year = period.kind, period.year
        report = services.report_open(user=writer, organisation=organisation, period=period)
        mission, goals, assignments = self._contents(report, org_key, kind, year)
        if rework is not None:
            mission, goals, assignments = self._first_version(
                rework, report, mission, goals, assignments
            )
        report = self._save(writer, report, mission, goals, assignments)
        return services.report_submit(user=writer, report=report)

    @staticmethod
    def _first_version(rework, report, mission, goals, assignments):
        if rework.part == "mission":
            return rework.first, goals, assignments
        if rework.part.startswith("goal "):
            number = int(rework.part.split()[1])
            target = report.assessments.get(effect_goal__number=number).pk
            goals = [{**g, "analysis": rework.first} if g["id"] == target else g for g in goals]
            return mission, goals, assignments
        titles = dict(report.assignment_reports.values_list("pk", "assignment__title"))
        assignments = [
            {**a, "comment": rework.first} if titles[a["id"]].startswith(rework.part) else a
            for a in assignments
        ]
        return mission, goals, assignments

    def complete_returned(self, period, report, rework):
        """The board completes a returned report (fresh versions) and submits it again."""
        writer = self.writer(report.organisation)
        report = Report.objects.get(pk=report.pk)
        org_key = self.keys[report.organisation_id]
        mission, goals, assignments = self._contents(report, org_key, period.kind, period.year)
        if rework.addition and rework.part.startswith("goal "):
            number = int(rework.part.split()[1])
            target = report.assessments.get(effect_goal__number=number).pk
            goals = [
                {**g, "analysis": f"{g['analysis']} {rework.addition}"} if g["id"] == target else g
                for g in goals
            ]
        report = self._save(writer, report, mission, goals, assignments)
        return services.report_submit(user=writer, report=report)

    def reporting(self, period):
        """The organisations that report in the period and have a plan for its year."""
        plans = (
            Plan.objects.filter(year=period.year, organisation__kind__in=period.reporting_kinds())
            .select_related("organisation")
            .order_by("organisation__order", "organisation__name")
        )
        return [plan.organisation for plan in plans]

    def build_period(self, period):
        kind, year = period.kind, period.year
        self.report(f"Follow-up {year}: {kind} reports…")
        for organisation in self.reporting(period):
            rework = REWORKS.get((year, kind, self.keys[organisation.pk]))
            report = self.write_report(period, organisation, rework=rework)
            if rework is not None:
                report = services.report_return(
                    user=self.office, report=report, comment=rework.comment
                )
                report = self.complete_returned(period, report, rework)
            services.report_accept(user=self.office, report=report)
        self.compile(period)

    # the compilation and the council's adoption

    def compile(self, period):
        kind, year = period.kind, period.year
        compilation = services.compilation_create(user=self.office, period=period)
        data = selectors.compilation_data(compilation)
        analyses = [
            {
                "id": goal["analysis_id"],
                "version": goal["analysis_version"],
                "text": self.goal_analysis(goal, kind),
            }
            for goal in data["goals"]
            if goal["analysis_id"] is not None
        ]
        compilation = services.compilation_save(
            user=self.office,
            compilation=compilation,
            version=compilation.version,
            overall_analysis=self.overall_analysis(data["total"]["counts"], kind, year),
            green_threshold=compilation.green_threshold,
            yellow_threshold=compilation.yellow_threshold,
            analyses=analyses,
        )
        adoption = ADOPTIONS[(year, kind)]
        services.compilation_adopt(
            user=self.office,
            compilation=compilation,
            adopted_on=adoption.adopted_on,
            minutes_paragraph=adoption.minutes_paragraph,
            case_number=adoption.case_number,
        )

    @staticmethod
    def goal_analysis(goal, kind):
        counts = goal["counts"]
        assessed = counts["fulfilled"] + counts["partly"] + counts["not_fulfilled"]
        if not assessed:
            return "Inga effektmål som bidrar till målet är bedömda för perioden."
        if kind == INTERIM:
            parts = [
                f"Prognosen för helåret: av {assessed} bedömda effektmål bedöms "
                f"{_counted(counts)}, en måluppfyllelse på {_sv(goal['attainment'])} procent."
            ]
            if counts["not_assessed"]:
                parts.append(
                    f"Dessutom redovisas {counts['not_assessed']} effektmål hos bolag och "
                    "kommunalförbund i årsredovisningen."
                )
        else:
            parts = [
                f"{assessed} effektmål bidrar till målet. Av dem bedöms {_counted(counts)}, "
                f"vilket ger en måluppfyllelse på {_sv(goal['attainment'])} procent."
            ]
        parts.append(STRATEGIC_NOTES.get(goal["number"], ""))
        short = [
            f"”{row['title']}” ({row['organisation']})"
            for row in goal["effect_goals"]
            if row["assessment"] == N
        ][:2]
        if short and kind == INTERIM:
            parts.append(f"Prognosen är att {_listing(short)} inte uppfylls.")
        elif short:
            label = "Ej uppfyllt är" if len(short) == 1 else "Ej uppfyllda är bland annat"
            parts.append(f"{label} {_listing(short)}.")
        parts.append(CLOSING[goal["colour"]] if kind == ANNUAL else "")
        return " ".join(p for p in parts if p)

    def overall_analysis(self, counts, kind, year):
        assessed = counts["fulfilled"] + counts["partly"] + counts["not_fulfilled"]
        shares = {key: _pct(counts[key], assessed) for key in ("fulfilled", "partly")}
        shares["not_fulfilled"] = 100 - shares["fulfilled"] - shares["partly"]
        self.shares[(year, kind)] = shares["fulfilled"]
        names = (
            ("fulfilled", "uppfyllt", "uppfyllda"),
            ("partly", "delvis uppfyllt", "delvis uppfyllda"),
            ("not_fulfilled", "ej uppfyllt", "ej uppfyllda"),
        )
        figures = _listing(
            f"{counts[key]} ({shares[key]} procent) som {one if counts[key] == 1 else many}"
            for key, one, many in names
        )
        if kind == INTERIM:
            parts = [
                f"Prognosen för helåret {year}: av de {assessed} effektmål som kommunstyrelsen "
                f"och nämnderna redovisar i delårsrapporterna bedöms {figures}."
            ]
            if counts["not_assessed"]:
                parts.append(
                    "Bolagens och kommunalförbundens effektmål redovisas i årsredovisningen."
                )
        else:
            parts = [f"Av årets {assessed} effektmål bedöms {figures}."]
        previous = self.shares.get((year - 1, kind))
        if previous is None:
            if kind == ANNUAL:
                parts.append(
                    "Resultatet är utgångspunkten för uppföljningen av de strategiska målen "
                    "2016–2019."
                )
        else:
            now = shares["fulfilled"]
            change = (
                "högre än" if now > previous else "lägre än" if now < previous else "densamma som"
            )
            when = f"i delårsrapporten {year - 1}" if kind == INTERIM else str(year - 1)
            parts.append(
                f"Andelen uppfyllda effektmål är {change} {when}, då den var {previous} procent."
            )
        parts.append(OVERALL_CONTEXT.get((year, kind), ""))
        parts.append(
            "Ju fler effektmål som uppfylls, desto större del av de strategiska målen har "
            "förverkligats. Måluppfyllelsen redovisas därför per strategiskt mål."
        )
        return " ".join(p for p in parts if p)

    # the year in progress

    def build_year_in_progress(self, period):
        year = period.year
        self.report(f"Follow-up {year}: interim reports in progress…")
        for organisation in self.reporting(period):
            state = STATES_2019.get(self.keys[organisation.pk])
            if state is None:
                continue  # not started
            if state == Report.Status.DRAFT:
                self.write_draft(period, organisation)
                continue
            report = self.write_report(period, organisation)
            if state == Report.Status.ACCEPTED:
                services.report_accept(user=self.office, report=report)
            elif state == Report.Status.RETURNED:
                services.report_return(user=self.office, report=report, comment=RETURN_2019)

    def write_draft(self, period, organisation):
        """Half filled in: the first goals assessed and analysed, the last ones not yet."""
        writer = self.writer(organisation)
        org_key = self.keys[organisation.pk]
        report = services.report_open(user=writer, organisation=organisation, period=period)
        _mission, goals, assignments = self._contents(report, org_key, period.kind, period.year)
        half = (len(goals) + 1) // 2
        draft = []
        for index, row in enumerate(goals):
            if index < half - 1 or (index == half - 1 and len(goals) == 1):
                draft.append(row)
            elif index == half - 1:  # assessed, analysis still to write
                draft.append({**row, "analysis": "", "reasons": "", "actions": ""})
        self._save(writer, report, None, draft, assignments[: len(assignments) // 2])

    def build(self):
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            cycle = services.cycle_create(user=self.office, year=year, **CYCLES.get(year, {}))
            self.decide_outcomes(year)
            interim, annual = cycle.periods.order_by("ends_on")
            if year == LAST_YEAR:
                self.build_year_in_progress(interim)
                continue
            self.build_period(interim)
            self.build_period(annual)


def load(report: Callable[[str], None] = lambda message: None) -> dict:
    """Build the follow-up of the demo municipality; returns the number of objects of each kind."""
    with transaction.atomic():
        Builder(report=report).build()
    return counts()


def counts() -> dict:
    """The number of objects of each kind, named in the active language."""
    models = [Cycle, Report, GoalAssessment, Compilation]
    return {str(model._meta.verbose_name_plural): model.objects.count() for model in models}
