"""Who a page was made for, as far as the page tells: the page cache shares pages between people.

A page depends on who asks only through what its making asked about them: whether they are
signed in, what their role assignments add up to (`access.Grants`), their name. While the page
cache (effekt/core/cache.py) has a page made, `recording` puts a stand-in for `request.user` that
notes every such question and its answer: each flag of the user read, each field of the grants
read, and of the sets of organisations in the grants, each organisation asked about (`x in
grants.edit_orgs`) — only a set used whole (iterated, counted, joined) is noted whole. The page is
kept under its questions with their answers, and served to anyone who answers them alike: the
same code, on the same data, asking them, takes the same path and makes the same page.

The name shown in the page's header is not a question: `display_name` (the template variable
`user_name`) gives a placeholder (`NAME`) while a page is made, and the cache puts the
requester's own name in its place. Anything else read of the user (its id, its name read
otherwise, a query by it) or of the session makes the page that session's own: the question
``("session",)``, answered by the session alone. So a view that starts to read more of the user
than this is still correct; its pages are only shared less.

`person` works out a requester's answers from the session, the user and their grants; the cache
keeps them until a write to what they are made of (`SOURCES`) raises its access version.
`Person.answers` answers any questions without the database.
"""

import hashlib
import secrets
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from . import access

# What stands for the requester's name in a page kept for everyone who answers like them: letters
# and digits only, so that escaping (for HTML, JavaScript, a URL) leaves it as it is.
NAME = "EffektName" + secrets.token_hex(12)

# The apps whose rows a requester's answers are made of: the users, and the roles and the
# organisation tree of the grants. A write to them raises the page cache's access version.
SOURCES = ("auth", "organisations")
USER_FLAGS = ("is_authenticated", "is_anonymous", "is_active", "is_superuser", "is_staff")
SESSION = ("session",)


def _digest(values) -> str:
    """A whole set as an answer: short, and the same for the same members in any order."""
    text = ",".join(sorted(map(str, values)))
    return hashlib.sha256(text.encode()).hexdigest()[:24]


@dataclass(frozen=True)
class Person:
    """A requester, for the page cache: enough to answer any question without the database."""

    session: str = ""  # a hash of the session cookie ('' without one)
    flags: tuple = ()  # ((flag, value), …) of USER_FLAGS
    grants: access.Grants = field(default_factory=access.Grants)
    name: str = ""
    expires: float | None = None  # when the session ends (a Unix time), None without one

    def answer(self, question):
        kind = question[0]
        if kind == "user":
            return dict(self.flags)[question[1]]
        if kind == "grants":
            value = getattr(self.grants, question[1])
            if len(question) == 2:
                return _digest(value) if isinstance(value, frozenset) else value
            if question[2] == "has":
                return question[3] in value
            return bool(value)  # "any"
        return self.session  # SESSION, and any question this module does not know

    def answers(self, questions) -> tuple:
        return tuple(self.answer(question) for question in questions)


def _flags(user) -> tuple:
    return tuple((flag, bool(getattr(user, flag, False))) for flag in USER_FLAGS)


def person(request, session_hash: str) -> Person:
    """The requester as the session names them: reads the session, the user and their roles."""
    user = request.user
    if not user.is_authenticated:
        return Person(session=session_hash, flags=_flags(user))
    expires = (
        request.session.model.objects.filter(
            session_key=request.COOKIES.get(settings.SESSION_COOKIE_NAME, ""),
            expire_date__gt=timezone.now(),
        )
        .values_list("expire_date", flat=True)
        .first()
    )
    return Person(
        session=session_hash,
        flags=_flags(user),
        grants=access.grants_for(user),
        name=display_name(user),
        # a session a sign-in check accepted but that is gone by now: ends at once
        expires=expires.timestamp() if expires else 0.0,
    )


ANONYMOUS = Person(flags=_flags(AnonymousUser()))


class Recorder:
    """The questions a page's making asked about its requester, with the answers."""

    def __init__(self, person: Person):
        self.person = person
        self.asked: dict = {}
        self.name_read = False

    def ask(self, question, answer):
        self.asked[question] = answer
        return answer

    def own(self):
        """Something was read that only this session answers: the page is its own."""
        self.ask(SESSION, self.person.session)

    @property
    def questions(self) -> tuple:
        return tuple(sorted(self.asked, key=repr))

    def answers(self, questions) -> tuple:
        return tuple(self.asked[question] for question in questions)


class _RecordedSet:
    """A set of organisations in the grants: a membership test is one question, any other use
    the whole set."""

    __slots__ = ("_name", "_recorder", "_set")

    def __init__(self, name, values, recorder):
        self._name, self._set, self._recorder = name, values, recorder

    def _whole(self):
        self._recorder.ask(("grants", self._name), _digest(self._set))
        return self._set

    def __contains__(self, item):
        if not isinstance(item, int | str | None):
            return item in self._whole()
        return self._recorder.ask(("grants", self._name, "has", item), item in self._set)

    def __bool__(self):
        return self._recorder.ask(("grants", self._name, "any"), bool(self._set))

    def __iter__(self):
        return iter(self._whole())

    def __len__(self):
        return len(self._whole())

    def __eq__(self, other):
        return self._whole() == _unwrapped(other)

    def __hash__(self):
        return hash(self._whole())

    def __lt__(self, other):
        return self._whole() < _unwrapped(other)

    def __le__(self, other):
        return self._whole() <= _unwrapped(other)

    def __gt__(self, other):
        return self._whole() > _unwrapped(other)

    def __ge__(self, other):
        return self._whole() >= _unwrapped(other)

    def __or__(self, other):
        return self._whole() | _unwrapped(other)

    def __and__(self, other):
        return self._whole() & _unwrapped(other)

    def __sub__(self, other):
        return self._whole() - _unwrapped(other)

    def __xor__(self, other):
        return self._whole() ^ _unwrapped(other)

    def __ror__(self, other):
        return _unwrapped(other) | self._whole()

    def __rand__(self, other):
        return _unwrapped(other) & self._whole()

    def __rsub__(self, other):
        return _unwrapped(other) - self._whole()

    def __rxor__(self, other):
        return _unwrapped(other) ^ self._whole()

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self

    def __reduce__(self):
        return (frozenset, (tuple(self._whole()),))

    def __getattr__(self, name):  # union, issubset, …: the whole set
        return getattr(self._whole(), name)


def _unwrapped(value):
    return value._whole() if isinstance(value, _RecordedSet) else value


class _RecordedGrants:
    """`access.Grants` that notes what is read of it."""

    def __init__(self, grants, recorder):
        self._grants, self._recorder = grants, recorder

    def __getattr__(self, name):
        value = getattr(self._grants, name)
        if isinstance(value, frozenset):
            return _RecordedSet(name, value, self._recorder)
        return self._recorder.ask(("grants", name), value)


class _RecordedUser:
    """The stand-in for `request.user` while a page is made (see the module's docstring)."""

    def __init__(self, user, recorder):
        object.__setattr__(self, "_user", user)
        object.__setattr__(self, "_recorder", recorder)
        grants = recorder.person.grants if user.is_authenticated else access.Grants()
        object.__setattr__(self, "_effekt_grants", _RecordedGrants(grants, recorder))

    @property
    def __class__(self):  # isinstance(request.user, User) stays true, as for Django's own lazy user
        return self._user.__class__

    def __getattr__(self, name):
        user, recorder = self._user, self._recorder
        if name in USER_FLAGS:
            return recorder.ask(("user", name), bool(getattr(user, name)))
        recorder.own()  # its id, its name, its e-mail…: this session's page
        return getattr(user, name)

    def __setattr__(self, name, value):
        self._recorder.own()
        setattr(self._user, name, value)

    def __str__(self):
        self._recorder.own()
        return str(self._user)

    def __bool__(self):
        return True

    def __eq__(self, other):
        self._recorder.own()
        return self._user == getattr(other, "_user", other)

    def __hash__(self):
        self._recorder.own()
        return hash(self._user)


def display_name(user) -> str:
    """The user's name as pages show it; while a page is made for everyone who answers like its
    requester, the placeholder the page cache replaces with each one's own name."""
    if type(user) is _RecordedUser:  # not isinstance: the stand-in passes for a User
        user._recorder.name_read = True
        return NAME
    return user.get_full_name() or user.get_username()


@contextmanager
def recording(request, person: Person):
    """Make the page with `request.user` standing in for the requester (see above); the recorder
    has the questions asked. Reading the session meanwhile makes the page the session's own."""
    recorder = Recorder(person)
    user = request.user
    user.is_authenticated  # noqa: B018 - reads the session and the user now, not while recording
    session = getattr(request, "session", None)
    accessed = session is not None and session.accessed
    if session is not None:
        session.accessed = False
    request.user = _RecordedUser(user, recorder)
    try:
        yield recorder
    finally:
        request.user = user
        if session is not None:
            if session.accessed:
                recorder.own()
            session.accessed = session.accessed or accessed
