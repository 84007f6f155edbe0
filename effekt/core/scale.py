"""A large generated municipality, for measuring Effekt at scale (`manage.py generate_municipality`).

Every app of Effekt may have a `scale` module with `generate(gen)`; the command runs them in the
order of INSTALLED_APPS (organisation, goals, follow-up, indicators), so each one builds on what
the ones before it left in `gen` and imports flow one way. They write with `bulk_create` in big
batches, without the domain operations; what the pages read from derived data (an adopted
compilation's frozen version) is computed by the same code as in the real operations, so every
page works on it. The change history ten years of work leave is made up too (`history`): the
change log and every object's history are read from a table as large as a real one.
"""

import datetime
import random
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from .audit import snapshot
from .models import ChangeRecord

BATCH = 2000
YEARS = 10

WORDS = (  # noqa: SIM905
    "trygghet skola omsorg hälsa arbete bostäder miljö klimat kultur fritid idrott "
    "integration delaktighet service digitalisering näringsliv kompetens barn unga äldre "
    "familjer funktionsnedsättning energi vatten trafik cykel kollektivtrafik natur "
    "förebyggande samverkan kvalitet tillgänglighet jämställdhet måltider bibliotek "
    "föreningar ekonomi personal ledarskap effektivitet information uppföljning"
).split()
VERBS = (  # noqa: SIM905
    "öka stärka förbättra utveckla minska säkra bredda förenkla förnya samordna främja "
    "modernisera effektivisera"
).split()
SENTENCES = (  # noqa: SIM905
    "Arbetet har följt planen och resultaten syns i flera verksamheter.|Utfallet påverkas av "
    "fler invånare och ökad efterfrågan.|Samverkan med andra nämnder och civilsamhället har g"
    "ett effekt.|Bristen på personal med rätt kompetens har försenat delar av arbetet.|Nya ar"
    "betssätt prövas under året och följs upp vid nästa rapport.|Mätningarna visar en positiv"
    " utveckling jämfört med föregående år.|Kostnaderna har hållits inom budget trots ökade v"
    "olymer.|Brukarundersökningen visar nöjdare invånare än tidigare.|Insatserna riktas framf"
    "ör allt till de grupper som har störst behov.|Den digitala servicen har utvecklats och a"
    "nvänds av allt fler."
).split("|")


@dataclass
class Generation:
    """What the apps' `generate` functions share: the scale, the random source, the years and
    everything created so far (each app adds its own attributes)."""

    scale: float = 1.0
    seed: int = 1
    report: object = print
    counts: dict = field(default_factory=dict)
    # the people who edit each organisation's documents, by organisation id; None: the executive
    # office (set by the organisation's `generate`, read by `history`)
    editors: dict = field(default_factory=dict)

    def __post_init__(self):
        self.rng = random.Random(self.seed)  # noqa: S311 - made-up data, not security
        self.last_year = timezone.localdate().year
        self.first_year = self.last_year - YEARS + 1
        self.years = range(self.first_year, self.last_year + 1)

    def scaled(self, number, minimum=1):
        return max(minimum, round(number * self.scale))

    def words(self, low, high):
        return " ".join(self.rng.choice(WORDS) for _ in range(self.rng.randint(low, high)))

    def title(self):
        return f"{self.rng.choice(VERBS).capitalize()} {self.words(2, 6)}"

    def text(self, sentences=3):
        return " ".join(self.rng.choice(SENTENCES) for _ in range(sentences))

    def history(self, objects, *, organisation_of, created, changes=(1, 3), transition=""):
        """A made-up change history of `objects` (of one model), as the domain operations record
        it: each created on the day `created(obj)`, changed `changes` times (at least, at most) on
        later days by the people who edit its organisation (`organisation_of(obj)`, an id; see
        `editors`), and, with `transition`, moved on in its workflow with that message.

        The records have the shape of the real ones (the snapshot of the first object, a field
        changed in each change), so the pages read and show as much as they would."""
        objects = list(objects)
        if not objects:
            return
        content_type = ContentType.objects.get_for_model(objects[0], for_concrete_model=True)
        shape = snapshot(objects[0])
        texts = [key for key, entry in shape.items() if entry.get("kind") == "text"] or [None]
        records = []
        for obj in objects:
            people = self.editors.get(organisation_of(obj)) or self.editors[None]
            fields = {
                "content_type": content_type,
                "object_id": obj.pk,
                "object_repr": str(obj)[:300],
            }
            moment = datetime.datetime.combine(
                created(obj), datetime.time(self.rng.randint(7, 17)), tzinfo=datetime.UTC
            )
            steps = [(ChangeRecord.Action.CREATE, None, shape, "")]
            for _ in range(self.rng.randint(*changes)):
                key = self.rng.choice(texts)
                after = (
                    shape if key is None else {**shape, key: {**shape[key], "value": self.text(1)}}
                )
                steps.append((ChangeRecord.Action.UPDATE, shape, after, ""))
            if transition:
                steps.append((ChangeRecord.Action.TRANSITION, shape, shape, transition))
            for action, before, after, message in steps:
                person = self.rng.choice(people)
                records.append(
                    ChangeRecord(
                        time=moment,
                        user=person,
                        user_name=person.username,
                        action=action,
                        message=message,
                        before=before,
                        after=after,
                        **fields,
                    )
                )
                moment += datetime.timedelta(days=self.rng.randint(1, 20), minutes=17)
        self.bulk(ChangeRecord, records)

    def bulk(self, model, objects):
        """Insert `objects` in batches (primary keys are set on PostgreSQL and SQLite), and count
        them under the model's plural name."""
        objects = list(objects)
        model.objects.bulk_create(objects, batch_size=BATCH)
        name = str(model._meta.verbose_name_plural)
        self.counts[name] = self.counts.get(name, 0) + len(objects)
        return objects
