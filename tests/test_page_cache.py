"""The page cache (effekt/core/cache.py): hits, invalidation by the data version, isolation.

Through HTTP and the domain operations, with the cache on and emptied for every test; every test
runs twice, with the data version in the database and in a shared Redis (REDIS_URL). Any other
suite runs with the cache on with EFFEKT_PAGE_CACHE=1: a leak between users would show up as a
failed assertion there.

The Redis runs are skipped when no Redis answers at EFFEKT_TEST_REDIS_URL (default
redis://127.0.0.1:6379/15), unless EFFEKT_REQUIRE_REDIS=1 (as in .ci/run, which starts one).
"""

import io
import os
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.test.utils import CaptureQueriesContext

from effekt.core import cache
from effekt.core.backup import export_backup, import_backup
from effekt.core.cache import current_version
from effekt.goals import services
from effekt.indicators.kolada import kolada_import
from effekt.organisations.models import Organisation

from .test_backup import empty_database
from .test_kolada import FakeKolada, make_client, offline, vab  # noqa: F401 - fixtures

ROOT = Path(__file__).resolve().parents[1]


REDIS_URL = os.environ.get("EFFEKT_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def shared_cache(location):
    return {
        "BACKEND": "effekt.core.cache_backends.RedisCache",
        "LOCATION": location,
        # each parallel worker its own (their in-memory SQLite databases share a name)
        "KEY_PREFIX": f"effekt-test-{os.environ.get('PYTEST_XDIST_WORKER', 'main')}",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }


def redis_answers():
    import redis

    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False


@pytest.fixture(autouse=True, params=["database", "redis"])
def version_in(request, settings):
    """The cache on and empty, the data version in the database or in Redis."""
    settings.EFFEKT_PAGE_CACHE = True
    if request.param == "redis":
        if not redis_answers():
            if os.environ.get("EFFEKT_REQUIRE_REDIS") == "1":
                pytest.fail(f"no Redis answers at {REDIS_URL}")
            pytest.skip(f"no Redis answers at {REDIS_URL}")
        settings.CACHES = {**settings.CACHES, "shared": shared_cache(REDIS_URL)}
        settings.EFFEKT_DATA_VERSION_CACHE = "shared"
        settings.EFFEKT_PAGE_STORE = "shared"
    another_worker()
    yield request.param
    another_worker()


def another_worker():
    """This process as another worker would be: nothing in its own memory."""
    caches[cache.CACHE_ALIAS].clear()
    cache._latest_here.clear()
    cache._notes_here.clear()
    cache.forget_known_versions()


def redis_restarted():
    """What a restart of Redis does to a worker besides what it keeps: its connections break,
    its subscription to the writes too (it then reads the versions anew). This process's only:
    another test process shares the Redis."""
    known = cache._known_here.by_database.get("default")
    if known is not None and known.subscription is not None:
        host, port = known.subscription._pubsub.connection._sock.getsockname()[:2]
        caches["shared"]._cache.get_client().client_kill_filter(
            _type="pubsub", addr=f"{host}:{port}"
        )


def version_queries(version_in):
    """The queries a hit makes: the data version, when the database holds it."""
    return 1 if version_in == "database" else 0


@pytest.fixture
def office(world):
    return world.users["executive_office"]


@pytest.fixture
def plan(world):
    return services.plan_create(
        user=world.users["administrator"],
        organisation=world.social,
        year=2017,
        direction="Riktning ett",
    )


def state(response):
    return response.get("X-Effekt-Cache")


def page(response):
    return response.content.decode()


def tokens(response):
    return re.findall(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"', page(response))


def secret(client):
    from django.conf import settings

    return client.cookies[settings.CSRF_COOKIE_NAME].value


# Hits ------------------------------------------------------------------------------------------


def test_the_second_get_is_a_hit_with_the_clients_own_token(world, plan, client_for, version_in):
    client = client_for(world.users["organisation_editor"])
    url = plan.get_absolute_url()
    first = client.get(url)
    assert first.status_code == 200 and state(first) == "miss"
    with CaptureQueriesContext(connection) as queries:
        second = client.get(url)
    assert state(second) == "hit" and second.status_code == 200
    # the data version, unless Redis holds it: nothing of the page, the session or the user
    assert len(queries.captured_queries) == version_queries(version_in), queries.captured_queries
    assert "Riktning ett" in page(second)
    # the same page but for the token, which is the client's own
    assert re.sub(r'value="[A-Za-z0-9]{64}"', "", page(first)) == re.sub(
        r'value="[A-Za-z0-9]{64}"', "", page(second)
    )
    assert tokens(second) and all(
        _unmask_cipher_token(token) == secret(client) for token in tokens(second)
    )
    third = tokens(client.get(url))  # masked anew for each answer (BREACH), each one valid
    assert not set(third) & set(tokens(second))
    assert all(_unmask_cipher_token(token) == secret(client) for token in third)
    # Security headers are set on a hit as on a miss.
    for header in ("Content-Security-Policy", "X-Frame-Options", "X-Request-ID"):
        assert second.has_header(header) and first.has_header(header)


def test_a_token_served_from_the_cache_is_accepted_by_the_csrf_check(world, plan):
    editor = world.users["organisation_editor"]
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    edit = f"/planer/{plan.pk}/andra/"
    assert state(client.get(edit)) == "miss"
    hit = client.get(edit)
    assert state(hit) == "hit"
    token = tokens(hit)[-1]
    response = client.post(
        edit, {"csrfmiddlewaretoken": token, "responsibility": "", "direction": "Ny riktning"}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.direction == "Ny riktning"


def test_anonymous_public_pages_are_shared_but_each_visitor_gets_its_own_token(world, version_in):
    url = "/offentligt/planer/"
    first, second = Client(), Client()
    assert state(first.get(url)) == "miss"
    with CaptureQueriesContext(connection) as queries:
        response = second.get(url)
    assert response.status_code == 200 and state(response) == "hit"
    assert len(queries.captured_queries) == version_queries(version_in)
    # a visitor without a CSRF cookie gets a new secret of its own, not the first visitor's
    assert secret(second) != secret(first)
    assert all(_unmask_cipher_token(token) == secret(second) for token in tokens(response))


# Invalidation ----------------------------------------------------------------------------------


def test_a_write_over_http_shows_its_message_once_and_then_the_new_text(world, plan, client_for):
    client = client_for(world.users["organisation_editor"])
    url = plan.get_absolute_url()
    client.get(url)
    assert state(client.get(url)) == "hit"
    response = client.post(
        f"/planer/{plan.pk}/andra/", {"responsibility": "", "direction": "Riktning två"}
    )
    assert response.status_code == 302 and response["Location"] == url
    after = client.get(url)
    assert state(after) is None  # a message to show: neither served nor stored
    assert "Riktning två" in page(after) and "message--success" in page(after)
    again = client.get(url)
    assert state(again) == "miss"
    assert "Riktning två" in page(again) and "message--success" not in page(again)
    assert state(client.get(url)) == "hit"


def test_another_users_write_is_seen_at_once(world, plan, client_for):
    reader = client_for(world.users["reader"])
    url = plan.get_absolute_url()
    reader.get(url)
    assert state(reader.get(url)) == "hit"
    services.plan_update(
        user=world.users["organisation_editor"], plan=plan, data={"direction": "Ändrad"}
    )
    response = reader.get(url)
    assert state(response) == "miss" and "Ändrad" in page(response)


@pytest.mark.django_db(transaction=True)  # the real commit and rollback, not a test's savepoint
def test_a_write_rolled_back_changes_nothing_and_the_page_stays_right(world, plan, client_for):
    reader = client_for(world.users["reader"])
    url = plan.get_absolute_url()
    reader.get(url)
    version = current_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        services.plan_update(
            user=world.users["organisation_editor"], plan=plan, data={"direction": "Aldrig"}
        )
        raise RuntimeError
    assert current_version() == version
    response = reader.get(url)
    assert state(response) == "hit" and "Riktning ett" in page(response)
    assert "Aldrig" not in page(response)


@pytest.mark.django_db(transaction=True)
def test_the_version_is_raised_once_per_transaction_and_only_after_it_commits(world, plan):
    editor = world.users["organisation_editor"]
    version = current_version()
    with transaction.atomic():
        services.plan_update(user=editor, plan=plan, data={"direction": "A"})
        services.plan_update(user=editor, plan=plan, data={"direction": "B"})
        assert current_version() == version  # not inside the transaction: no lock on the row
    assert current_version() == version + 1  # once, after the commit
    with pytest.raises(RuntimeError), transaction.atomic():
        services.plan_update(user=editor, plan=plan, data={"direction": "C"})
        raise RuntimeError
    assert current_version() == version + 1
    # a write in a savepoint rolled back, then one that stays: raised once
    with transaction.atomic():
        with pytest.raises(RuntimeError), transaction.atomic():
            services.plan_update(user=editor, plan=plan, data={"direction": "D"})
            raise RuntimeError
        services.plan_update(user=editor, plan=plan, data={"direction": "E"})
    assert current_version() == version + 2
    # outside a transaction, at once
    plan.refresh_from_db()
    services.plan_update(user=editor, plan=plan, data={"direction": "F"})
    assert current_version() == version + 3


def test_the_access_version_moves_only_with_what_answers_are_made_of(
    world,
    plan,
    client_for,
    vab,  # noqa: F811
):
    """A requester's answers are kept until a user, a role, an organisation or a session
    changes: a report saved at the deadline leaves them, and everyone's session is read once."""
    from effekt.organisations.models import Role, RoleAssignment

    def versions():
        return cache.current_versions()

    data, access = versions()
    services.plan_update(
        user=world.users["organisation_editor"], plan=plan, data={"direction": "B"}
    )
    kolada_import(
        user=world.users["executive_office"], indicators=[vab], client=make_client(FakeKolada())
    )
    assert versions()[0] != data and versions()[1] == access
    reader = client_for(world.users["reader"])
    url = plan.get_absolute_url()

    def roles_read():
        with CaptureQueriesContext(connection) as queries:
            response = reader.get(url)
        assert state(response) == "miss" and response.status_code == 200
        return sum("roleassignment" in query["sql"] for query in queries.captured_queries)

    assert roles_read() == 1  # the reader's answers worked out
    services.plan_update(
        user=world.users["organisation_editor"], plan=plan, data={"direction": "C"}
    )
    assert roles_read() == 0  # the page made anew, the answers kept
    for change in (
        lambda: RoleAssignment.objects.create(
            user=world.users["nobody"], organisation=world.school, role=Role.READER
        ),
        lambda: Organisation.objects.filter(pk=world.unit.pk).first().save(),
        lambda: world.users["nobody"].save(),
        lambda: client_for(world.users["nobody"]).post("/logga-ut/"),
    ):
        access = versions()[1]
        change()
        assert versions()[1] != access


# Isolation -------------------------------------------------------------------------------------


def test_one_users_cached_page_is_never_served_to_another(world, plan, client_for):
    url = plan.get_absolute_url()
    editor = client_for(world.users["organisation_editor"])
    editor.get(url)
    assert state(editor.get(url)) == "hit"
    # the reader sees the draft, without the editor's buttons
    response = client_for(world.users["reader"]).get(url)
    assert response.status_code == 200 and state(response) == "miss"
    assert f"/planer/{plan.pk}/andra/" in page(editor.get(url))
    assert f"/planer/{plan.pk}/andra/" not in page(response)
    # another board's editor and a user without roles never see the draft
    for name in ("other_editor", "nobody"):
        assert client_for(world.users[name]).get(url).status_code == 404
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/logga-in/" in anonymous["Location"]


def second_editor(world, name='Bo <Berg> & "Co"'):
    """Another editor of the social board: the same roles as the first, another person."""
    from effekt.organisations.models import Role, RoleAssignment

    from .factories import UserFactory

    first, last = name.split(" ", 1)
    user = UserFactory(username="second_editor", first_name=first, last_name=last)
    RoleAssignment.objects.create(
        user=user, organisation=world.social, role=Role.ORGANISATION_EDITOR
    )
    return user


def test_people_who_answer_alike_share_a_page_each_with_their_own_name_and_token(
    world, plan, client_for, version_in
):
    first = world.users["organisation_editor"]
    second = second_editor(world)
    url = plan.get_absolute_url()
    assert state(client_for(first).get(url)) == "miss"
    client = client_for(second)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    # the first request of a person under a data version reads their session, user and roles
    assert state(response) == "hit" and len(queries.captured_queries) <= 6
    html = page(response)
    assert f"/planer/{plan.pk}/andra/" in html  # the editor's buttons: the same rights
    assert 'user-name">Bo &lt;Berg&gt; &amp; &quot;Co&quot;</span>' in html
    assert first.get_full_name() not in html and "EffektName" not in html
    assert all(_unmask_cipher_token(token) == secret(client) for token in tokens(response))
    with CaptureQueriesContext(connection) as queries:
        assert state(client.get(url)) == "hit"
    assert len(queries.captured_queries) == version_queries(version_in)


def test_people_who_answer_otherwise_get_their_own_page(world, plan, client_for):
    """The start page asks for the grants' organisations whole: only the same roles share it."""
    second = second_editor(world)
    assert state(client_for(world.users["organisation_editor"]).get("/")) == "miss"
    response = client_for(second).get("/")
    assert state(response) == "hit" and "Bo &lt;Berg&gt;" in page(response)
    for name in ("other_editor", "unit_editor", "reader", "nobody"):
        response = client_for(world.users[name]).get("/")
        assert response.status_code == 200 and state(response) == "miss", name
    # the goal chain asks only which organisations' drafts one may read: the social board's
    # reader and editor read the same; another board's editor not the social board's draft
    services.effect_goal_create(
        user=world.users["administrator"],
        plan=plan,
        title="Fler i egen försörjning",
        strategic_goals=world.goals[:1],
    )
    url = "/malkedja/?year=2017"
    reader = client_for(world.users["reader"]).get(url)
    assert state(reader) == "miss" and "Fler i egen försörjning" in page(reader)
    editor = client_for(world.users["organisation_editor"]).get(url)
    assert state(editor) == "hit" and "Fler i egen försörjning" in page(editor)
    # the unit's editor reads other organisations than the board's reader, but the same drafts
    unit = client_for(world.users["unit_editor"]).get(url)
    assert state(unit) == "hit" and "Fler i egen försörjning" in page(unit)
    other = client_for(world.users["other_editor"]).get(url)
    assert state(other) == "miss" and "Fler i egen försörjning" not in page(other)


def test_one_boards_goal_chain_asks_only_about_that_board(world, plan, client_for):
    """All who may read the social board's draft share its goal chain, whatever else they read;
    another board's editor gets one without the draft."""
    services.effect_goal_create(
        user=world.users["administrator"],
        plan=plan,
        title="Fler i egen försörjning",
        strategic_goals=world.goals[:1],
    )
    url = f"/malkedja/?year=2017&organisation={world.social.pk}"
    reader = client_for(world.users["reader"]).get(url)
    assert state(reader) == "miss" and "Fler i egen försörjning" in page(reader)
    unit = client_for(world.users["unit_editor"]).get(url)  # reads the unit's drafts too
    assert state(unit) == "hit" and "Fler i egen försörjning" in page(unit)
    other = client_for(world.users["other_editor"]).get(url)
    assert state(other) == "miss" and "Fler i egen försörjning" not in page(other)


def test_a_council_indicator_is_shared_by_editors_and_readers_of_the_same_board(
    world,
    client_for,
    vab,  # noqa: F811
):
    """Asking whether an indicator without an owner is one's own is one question, not the
    whole set of organisations one edits; its targets ask only about organisations with drafts."""
    url = f"/indikatorer/{vab.pk}/"
    assert state(client_for(world.users["organisation_editor"]).get(url)) == "miss"
    response = client_for(world.users["reader"]).get(url)
    assert response.status_code == 200 and state(response) == "hit"
    assert "VAB som tas ut av män" in page(response)
    # targets are asked about only in organisations with drafts: none here
    for name in ("unit_editor", "other_editor"):
        assert state(client_for(world.users[name]).get(url)) == "hit", name


def test_a_page_that_reads_more_of_the_user_is_the_sessions_own(world, plan, client_for):
    """The Excel export writes who exported it: read of the user otherwise than pages show it."""
    from openpyxl import load_workbook

    second = second_editor(world, name="Bo Berg")
    url = "/malkedja/export.xlsx?year=2017"
    first = client_for(world.users["organisation_editor"])
    assert state(first.get(url)) == "miss" and state(first.get(url)) == "hit"
    response = client_for(second).get(url)
    assert response.status_code == 200 and state(response) == "miss"
    book = load_workbook(io.BytesIO(response.content))
    values = [cell for row in book.worksheets[-1].iter_rows(values_only=True) for cell in row]
    assert "Bo Berg" in values


def test_a_new_password_ends_the_cached_pages_of_the_old_one(world, plan, client_for):
    editor = world.users["organisation_editor"]
    client = client_for(editor)
    url = plan.get_absolute_url()
    client.get(url)
    assert state(client.get(url)) == "hit"
    # as every path that changes a password does it (the admin, `changepassword`, a reset):
    # the user is saved, the data version moves, and the next request runs the sign-in check
    editor.set_password("ett helt nytt lösenord")
    editor.save()
    response = client.get(url)
    assert response.status_code == 302 and "/logga-in/" in response["Location"]


def test_a_sign_out_ends_the_sessions_pages_and_a_sign_in_leaves_everyones(world, plan, client_for):
    from django.conf import settings

    client = client_for(world.users["organisation_editor"])
    other = client_for(world.users["reader"])
    url = plan.get_absolute_url()
    client.get(url)
    assert state(client.get(url)) == "hit"
    old_cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    client.post("/logga-ut/")
    # the old cookie, kept (or stolen) after the sign-out, gets the sign-in page, not the page
    client.cookies[settings.SESSION_COOKIE_NAME] = old_cookie
    response = client.get(url)
    assert response.status_code == 302 and "/logga-in/" in response["Location"]
    other.get(url)
    assert state(other.get(url)) == "hit"
    version = current_version()
    client.force_login(world.users["organisation_editor"])
    assert current_version() == version  # a sign-in leaves everyone's pages in the cache
    assert state(other.get(url)) == "hit"
    response = client.get(url)
    assert response.status_code == 200 and state(response) == "miss"  # a new session
    assert state(client.get(url)) == "hit"
    assert all(_unmask_cipher_token(token) == secret(client) for token in tokens(response))


def test_a_request_during_a_sign_out_leaves_the_session_signed_out(world, plan, client_for):
    """Django says a user signed out before it deletes the session: a request with the same
    cookie in between still finds it, and what it works out must not outlive the deletion."""
    from django.conf import settings
    from django.contrib.auth.signals import user_logged_out

    client = client_for(world.users["organisation_editor"])
    url = plan.get_absolute_url()
    assert client.get(url).status_code == 200
    meanwhile = Client()
    meanwhile.cookies[settings.SESSION_COOKIE_NAME] = client.cookies[
        settings.SESSION_COOKIE_NAME
    ].value
    during = []

    def request_meanwhile(sender, **kwargs):
        during.append(meanwhile.get(url).status_code)

    user_logged_out.connect(request_meanwhile, dispatch_uid="test-meanwhile")
    try:
        client.post("/logga-ut/")
    finally:
        user_logged_out.disconnect(dispatch_uid="test-meanwhile")
    assert len(during) == 1  # a request came in the middle of the sign-out
    response = meanwhile.get(url)
    assert response.status_code == 302 and "/logga-in/" in response["Location"]


def test_a_page_is_not_served_after_its_session_expires(world, plan, client_for, monkeypatch):
    from django.conf import settings
    from django.contrib.sessions.models import Session

    client = client_for(world.users["organisation_editor"])
    url = plan.get_absolute_url()
    client.get(url)
    assert state(client.get(url)) == "hit"
    session = Session.objects.get(session_key=client.cookies[settings.SESSION_COOKIE_NAME].value)
    later = session.expire_date.timestamp() + 1
    monkeypatch.setattr(cache.time, "time", lambda: later)
    assert state(client.get(url)) != "hit"


def test_the_language_is_part_of_the_key(world, plan, client_for):
    from django.conf import settings

    client = client_for(world.users["organisation_editor"])
    url = plan.get_absolute_url()
    swedish = client.get(url)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url)
    assert state(english) == "miss" and 'lang="en"' in page(english)
    assert 'lang="sv"' in page(swedish)
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert state(client.get(url)) == "hit"


def test_an_htmx_partial_and_the_full_page_are_kept_apart(world, plan, client_for):
    client = client_for(world.users["organisation_editor"])
    url = "/malkedja/?year=2017"
    full = client.get(url)
    partial = client.get(url, headers={"HX-Request": "true"})
    assert state(full) == state(partial) == "miss"
    assert "<html" in page(full) and "<html" not in page(partial)
    assert "<html" not in page(client.get(url, headers={"HX-Request": "true"}))
    assert "<html" in page(client.get(url))


def test_the_api_is_cached_per_token(world, office):
    from rest_framework.authtoken.models import Token

    token = Token.objects.create(user=office)
    api = Client(headers={"Authorization": f"Token {token.key}"})
    assert state(api.get("/api/organisations/")) == "miss"
    assert state(api.get("/api/organisations/")) == "hit"
    assert Client().get("/api/organisations/").status_code in (401, 403)
    # the browsable API keeps its own Content-Security-Policy on a hit
    browser = Client(headers={"Authorization": f"Token {token.key}", "Accept": "text/html"})
    first, second = browser.get("/api/organisations/"), browser.get("/api/organisations/")
    assert (state(first), state(second)) == ("miss", "hit")
    assert second["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert "'unsafe-inline'" in second["Content-Security-Policy"]
    token.delete()  # a revoked token gets no cached answer
    assert api.get("/api/organisations/").status_code in (401, 403)


def test_what_is_not_cached(world, client_for):
    admin = client_for(world.users["administrator"])
    for url in ("/admin/", "/health/live", "/logga-in/"):
        assert state(admin.get(url)) is None, url
    assert state(admin.post("/sprak/", {"language": "en"})) is None
    # an answer other than 200 is not stored
    assert state(admin.get("/planer/999999/")) == "miss"
    assert state(admin.get("/planer/999999/")) == "miss"


# Every way of writing raises the version ---------------------------------------------------------


@pytest.fixture
def without_signal_net():
    """The receivers on every save and delete taken away: only explicit calls raise the version."""
    watched = [m for m in apps.get_models(include_auto_created=True) if cache.watched(m)]
    for model in watched:
        label = model._meta.label_lower
        post_save.disconnect(sender=model, dispatch_uid=f"cache-save-{label}")
        post_delete.disconnect(sender=model, dispatch_uid=f"cache-delete-{label}")
    yield
    cache.connect_signals()


def test_every_model_of_effekt_users_and_tokens_is_watched():
    from django.contrib.auth.models import User
    from rest_framework.authtoken.models import Token

    models = [
        m
        for m in apps.get_models(include_auto_created=True)
        if m._meta.app_config.name.startswith("effekt.") and m is not cache.DataVersion
    ]
    assert len(models) > 20
    for model in [*models, User, User.groups.through, Token]:
        assert cache.watched(model), model
        assert post_save.has_listeners(model) and post_delete.has_listeners(model), model


def test_an_audited_write_raises_the_version_without_signals(world, plan, without_signal_net):
    version = current_version()
    services.plan_update(user=world.users["administrator"], plan=plan, data={"direction": "X"})
    assert current_version() != version


def test_a_kolada_import_raises_the_version_without_signals(vab, office, without_signal_net):  # noqa: F811
    version = current_version()
    fetch = kolada_import(user=office, indicators=[vab], client=make_client(FakeKolada()))
    assert fetch.created and current_version() != version


def test_a_backup_import_raises_the_version(world):
    backup = io.BytesIO()
    export_backup(backup)
    empty_database()
    version = current_version()
    import_backup(io.BytesIO(backup.getvalue()))
    assert current_version() != version
    assert Organisation.objects.count() == 8  # the world is back


def test_generating_a_municipality_raises_the_version(db, without_signal_net):
    version = current_version()
    call_command("generate_municipality", scale=0.02, verbosity=0)
    assert current_version() != version


def test_an_admin_save_raises_the_version_and_a_new_role_shows_at_once(world, plan, client_for):
    nobody = client_for(world.users["nobody"])
    url = plan.get_absolute_url()
    assert nobody.get(url).status_code == 404
    staff = world.users["administrator"]
    staff.is_staff = True
    staff.save()
    admin = client_for(staff)
    version = current_version()
    response = admin.post(
        "/admin/organisations/roleassignment/add/",
        {"user": world.users["nobody"].pk, "organisation": world.social.pk, "role": "reader"},
    )
    assert response.status_code == 302 and "/admin/login/" not in response["Location"]
    assert world.users["nobody"].role_assignments.exists()
    assert current_version() != version
    assert nobody.get(url).status_code == 200


# Every bulk write in the code raises the version itself.
BULK_WRITE = re.compile(
    r"bulk_create\(|bulk_update\(|\._insert\(|\.raw\(|cursor\(\)|"
    r"objects\.[^\n]*\.(update|delete)\(|\)\.(update|delete)\("
)
# Modules with bulk writes that are covered elsewhere, and where.
COVERED_ELSEWHERE = {
    "effekt/core/scale.py": "run only by generate_municipality, which raises the version",
    "effekt/goals/scale.py": "run only by generate_municipality",
    "effekt/followup/scale.py": "run only by generate_municipality",
    "effekt/indicators/scale.py": "run only by generate_municipality",
    "effekt/organisations/scale.py": "run only by generate_municipality",
    "effekt/core/views.py": "SELECT 1 for the health check",
    "effekt/core/cache.py": "the version itself",
}


def test_every_module_that_writes_in_bulk_raises_the_version():
    missing = []
    for path in sorted((ROOT / "effekt").rglob("*.py")):
        name = str(path.relative_to(ROOT))
        if "/migrations/" in name or name in COVERED_ELSEWHERE:
            continue
        text = path.read_text(encoding="utf-8")
        if BULK_WRITE.search(text) and "data_changed(" not in text:
            missing.append(name)
    assert missing == []


def test_a_page_is_stored_only_for_the_user_the_session_names(world, plan, client_for):
    """The key takes the user from the session; a page is stored only when the sign-in check
    found that same user (a session whose user is gone or changed gets no page of its own)."""
    editor = world.users["organisation_editor"]
    client = client_for(editor)
    url = plan.get_absolute_url()
    editor.is_active = False
    editor.save()
    first = client.get(url)
    assert first.status_code == 302 and "/logga-in/" in first["Location"]
    assert state(client.get(url)) != "hit"


# A shared Redis that fails --------------------------------------------------------------------


def test_without_redis_pages_are_made_anew_and_writes_still_succeed(
    world, plan, client_for, settings, caplog, monkeypatch
):
    settings.CACHES = {**settings.CACHES, "shared": shared_cache("redis://127.0.0.1:1/0")}
    settings.EFFEKT_DATA_VERSION_CACHE = "shared"
    client = client_for(world.users["organisation_editor"])
    url = plan.get_absolute_url()
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200 and state(response) is None
    services.plan_update(
        user=world.users["organisation_editor"], plan=plan, data={"direction": "Utan Redis"}
    )
    plan.refresh_from_db()
    assert plan.direction == "Utan Redis"
    assert "Utan Redis" in page(client.get(url))
    assert "cannot be read" in caplog.text and "could not be raised" in caplog.text
    # said once, not at every attempt to subscribe again (SUBSCRIBE_AGAIN_SECONDS)
    monkeypatch.setattr(cache, "SUBSCRIBE_AGAIN_SECONDS", 0)
    client.get(url)
    assert caplog.text.count("no subscription to the writes") == 1


def test_a_redis_that_lost_the_version_serves_no_old_page(world, plan, client_for, version_in):
    if version_in != "redis":
        pytest.skip("the version is in Redis only in the Redis runs")
    client = client_for(world.users["organisation_editor"])
    url = plan.get_absolute_url()
    client.get(url)
    assert state(client.get(url)) == "hit"
    caches["shared"].delete(cache._shared_key("default"))  # a restarted Redis keeps nothing
    redis_restarted()
    assert state(client.get(url)) == "miss"
    assert state(client.get(url)) == "hit"


# Versions known in each process (Redis) ---------------------------------------------------------


def another_process_writes():
    """A write as another process makes it, before its message arrives: the data version raised
    and noted as a write of every table, nothing told to this process."""
    store = caches["shared"]
    number = store.incr(cache._shared_key("default"))
    store.set(cache._change_key("default", number), "*")
    return number


def its_message_arrives():
    """The message another process's write publishes, arrived here (waited for: not a sleep)."""
    caches["shared"].publish(cache._channel("default"))
    subscription = cache._known_here.by_database["default"].subscription
    assert subscription._pubsub.connection.can_read(timeout=1)


@pytest.fixture
def trusted_long(monkeypatch):
    """Known versions trusted for a minute: what a test checks is not how long (a slow machine
    takes over a second between a read and the assertion)."""
    monkeypatch.setattr(cache, "VERSIONS_TRUSTED_SECONDS", 60)


def _hit_twice(client, url, version_in):
    if version_in != "redis":
        pytest.skip("the Redis runs only")
    assert state(client.get(url)) == "miss"
    assert state(client.get(url)) == "hit"


def test_with_redis_the_versions_are_read_anew_once_a_write_is_announced(
    world, plan, client_for, version_in, trusted_long
):
    """A process keeps the versions it read until a write's message reaches it; the page then
    asked for is made anew. After its subscription broke, it reads them on the next request and
    subscribes again."""
    client = client_for(world.users["organisation_editor"])
    url = plan.get_absolute_url()
    _hit_twice(client, url, version_in)
    another_process_writes()
    assert state(client.get(url)) == "hit"  # its message not here yet: as if asked before it
    its_message_arrives()
    assert state(client.get(url)) == "miss"
    assert state(client.get(url)) == "hit"
    redis_restarted()
    another_process_writes()  # its message lost with the subscription
    assert state(client.get(url)) == "miss"  # read anew, subscribed anew
    another_process_writes()
    assert state(client.get(url)) == "hit"  # subscribed again: the versions known once more
    its_message_arrives()
    assert state(client.get(url)) == "miss"


def test_with_redis_known_versions_are_read_anew_after_a_second(
    world, plan, client_for, version_in, monkeypatch
):
    """A subscription whose connection died without a word (no message ever comes again) keeps
    the versions known no longer than VERSIONS_TRUSTED_SECONDS."""
    client = client_for(world.users["organisation_editor"])
    url = plan.get_absolute_url()
    _hit_twice(client, url, version_in)
    another_process_writes()
    monkeypatch.setattr(cache, "VERSIONS_TRUSTED_SECONDS", 0)
    assert state(client.get(url)) == "miss"


def test_with_redis_a_process_writing_reads_the_versions_anew_at_once(
    world, plan, client_for, version_in, monkeypatch
):
    client = client_for(world.users["reader"])
    url = plan.get_absolute_url()
    _hit_twice(client, url, version_in)
    monkeypatch.setattr(caches["shared"], "publish", lambda channel: None)  # a slow message
    services.plan_update(
        user=world.users["organisation_editor"], plan=plan, data={"direction": "Genast"}
    )
    response = client.get(url)  # its own write forgot the versions
    assert state(response) == "miss" and "Genast" in page(response)


@pytest.mark.parametrize("value", ["²³.1", "1.²", "-1.0", "1", "", "9" * 400 + ".1"])
def test_a_cookie_of_versions_not_ours_changes_nothing(world, version_in, value):
    from django.conf import settings

    client = Client()
    client.get("/offentligt/planer/")
    cookie = f"{settings.EFFEKT_SEEN_COOKIE_NAME}={value}"
    # as a WSGI server hands over a header: its bytes (UTF-8 from a browser) read as Latin-1
    response = client.get("/offentligt/planer/", HTTP_COOKIE=cookie.encode().decode("latin-1"))
    assert response.status_code == 200 and state(response) == "hit"


@pytest.mark.django_db(transaction=True)  # real commits: the versions raised by one
def test_with_redis_the_writer_is_told_the_versions_and_is_served_no_page_before_them(
    world, plan, client_for, version_in, trusted_long
):
    """A write's answer gives its writer the versions it raised (EFFEKT_SEEN_COOKIE_NAME); a process that
    knows lower ones reads them anew for the writer's requests, not for others'."""
    from django.conf import settings

    editor = client_for(world.users["organisation_editor"])
    reader = client_for(world.users["reader"])
    url = plan.get_absolute_url()
    _hit_twice(editor, url, version_in)
    _hit_twice(reader, url, version_in)
    response = editor.post(
        f"/planer/{plan.pk}/andra/", {"responsibility": "", "direction": "Skrivet här"}
    )
    assert response.status_code == 302
    told = response.cookies[settings.EFFEKT_SEEN_COOKIE_NAME]
    data, access = cache.current_versions()
    assert told.value == f"{data}.0"  # a plan: nothing who may do what is made of
    assert told["httponly"] and told["samesite"] == "Lax" and told["max-age"] == 60
    assert bool(told["secure"]) == settings.SESSION_COOKIE_SECURE
    assert "Skrivet här" in page(editor.get(url))  # with the message after the save, once
    assert state(editor.get(url)) == "miss" and state(reader.get(url)) == "miss"
    assert state(editor.get(url)) == "hit" and state(reader.get(url)) == "hit"

    # another process's write, its message still on the way; its writer's cookie says it
    number = another_process_writes()
    editor.cookies[settings.EFFEKT_SEEN_COOKIE_NAME] = f"{number}.0"
    assert state(reader.get(url)) == "hit"  # as if asked before the write
    assert state(editor.get(url)) == "miss"  # read anew: the writer's own write included
    assert state(reader.get(url)) == "miss"  # read anew by then: the same for everyone
    editor.cookies[settings.EFFEKT_SEEN_COOKIE_NAME] = "not.numbers"
    assert state(editor.get(url)) == "hit"


# Compressed pages -------------------------------------------------------------------------------


def test_a_browser_that_accepts_gzip_gets_the_page_compressed_with_its_own_token_stored_plain(
    world, plan, client_for
):
    import gzip

    client = client_for(world.users["organisation_editor"])
    client.defaults["HTTP_ACCEPT_ENCODING"] = "gzip, deflate, br, zstd"
    url = plan.get_absolute_url()
    responses = [client.get(url), client.get(url)]
    # the same page, kept, as the same user in another session gets it without gzip
    plain = client_for(world.users["organisation_editor"]).get(url)
    assert plain.get("Content-Encoding") is None and "<html" in page(plain)
    assert state(plain) == "hit"
    for expected, response in zip(("miss", "hit"), responses, strict=True):
        assert state(response) == expected and response["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in response["Vary"]
        assert int(response["Content-Length"]) == len(response.content)
        assert len(response.content) < len(plain.content) * 0.6
        html = gzip.decompress(response.content)  # checks the CRC and the length too
        found = re.findall(rb'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"', html)
        assert found and all(_unmask_cipher_token(t.decode()) == secret(client) for t in found)
        # the token is stored as it is, in no compressed block: its bytes are in the body
        assert all(token in response.content for token in found)
        strip = re.compile(rb'value="[A-Za-z0-9]{64}"')
        assert strip.sub(b"", html) == strip.sub(b"", plain.content)


def test_pages_made_anew_are_compressed_and_documents_are_not(world, plan, client_for, settings):
    import gzip

    settings.EFFEKT_PAGE_CACHE = False
    client = client_for(world.users["reader"])
    client.defaults["HTTP_ACCEPT_ENCODING"] = "gzip"
    response = client.get(plan.get_absolute_url())
    assert response["Content-Encoding"] == "gzip" and b"<html" in gzip.decompress(response.content)
    workbook = client.get("/malkedja/export.xlsx?year=2017")
    assert workbook.status_code == 200 and not workbook.has_header("Content-Encoding")
    assert workbook.content.startswith(b"PK")  # the workbook itself


def test_with_redis_a_page_made_by_one_worker_is_served_by_the_others(
    world, plan, client_for, version_in, monkeypatch
):
    client = client_for(world.users["organisation_editor"])
    url = plan.get_absolute_url()
    assert state(client.get(url)) == "miss"
    caches[cache.CACHE_ALIAS].clear()  # another worker: its own memory is empty
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    if version_in == "database":
        assert state(response) == "miss"  # nothing shared: each worker makes its own
        return
    assert state(response) == "hit" and len(queries.captured_queries) == 0
    assert "Riktning ett" in page(response)
    # a server of another release (a rolling deploy) does not take it
    caches[cache.CACHE_ALIAS].clear()
    monkeypatch.setattr(cache, "release", lambda: "another-release")
    assert state(client.get(url)) == "miss"


@pytest.mark.django_db(transaction=True)  # real commits: the version raised by one, noted
def test_with_redis_a_write_leaves_the_pages_that_read_none_of_its_tables(
    world, plan, client_for, version_in
):
    """The year's cycle created (follow-up's tables): the goal chain (the goal chain's tables) is
    served as it was, the status board made anew; a bulk update in a domain operation's
    transaction counts as well as its audited write; a write that does not say its tables (an
    import) changes every page."""
    from effekt.followup import services as followup
    from effekt.goals.models import Plan

    office = world.users["executive_office"]
    client = client_for(office)
    chain, board = "/malkedja/?year=2017", "/uppfoljning/status/"
    for url in (chain, board):
        assert state(client.get(url)) == "miss"
        assert state(client.get(url)) == "hit"

    followup.cycle_create(user=office, year=2017)
    response = client.get(chain)
    if version_in == "database":
        assert state(response) == "miss"  # no note of what a write changed: every page anew
        return
    assert state(response) == "hit" and "Socialnämnden" in page(response)
    after = client.get(board)
    assert state(after) == "miss" and "2017" in page(after)
    # noted for every worker: another one (its own memory empty) finds the same
    another_worker()
    assert state(client.get(chain)) == "hit"

    with transaction.atomic():
        followup.cycle_create(user=office, year=2018)
        Plan.objects.filter(pk=plan.pk).update(direction="Ändrad i klump")
    assert state(client.get(chain)) == "miss"  # the plans' table was written
    assert state(client.get(chain)) == "hit"

    cache.data_changed()  # as the bulk paths say it: every table
    assert state(client.get(chain)) == "miss"


def _save_report(user, report, text, goal_analysis=None):
    from effekt.followup import services as followup
    from effekt.followup.models import Report

    report = Report.objects.get(pk=report.pk)
    goals = [
        {
            "id": row.pk,
            "version": row.version,
            "assessment": "fulfilled",
            "analysis": goal_analysis,
            "reasons": "",
            "actions": "",
        }
        for row in (report.assessments.all() if goal_analysis else [])
    ]
    return followup.report_save(
        user=user, report=report, mission_results=text, version=report.version, goals=goals
    )


@pytest.mark.django_db(transaction=True)  # real commits: the version raised by one, noted
def test_with_redis_a_save_of_one_report_leaves_the_pages_of_other_reports(
    world, client_for, version_in
):
    """At the deadline: the social board saves its report's texts. The school board's report
    page, the compilation (accepted reports only), the status board and the office's start page
    (the reports' state) are served as they were; the social board's report page is made anew.
    Its submission (its state) makes the status board and the start page anew."""
    from effekt.followup import services as followup
    from effekt.goals.models import Plan

    from . import factories as f

    office, social, school = (
        world.users["executive_office"],
        world.users["organisation_editor"],
        world.users["other_editor"],
    )
    cycle = followup.cycle_create(user=office, year=2017)
    annual = cycle.periods.get(kind="annual")
    for organisation, number in ((world.social, 1), (world.school, 2)):
        plan = f.PlanFactory(organisation=organisation, year=2017, status=Plan.Status.ADOPTED)
        f.EffectGoalFactory(plan=plan, number=1, strategic_goals=[world.goals[number]])
    theirs = followup.report_open(user=school, organisation=world.school, period=annual)
    _save_report(school, theirs, "Skolans resultat", goal_analysis="Skolans analys")
    followup.report_submit(user=school, report=theirs)
    followup.report_accept(user=office, report=theirs)
    ours = followup.report_open(user=social, organisation=world.social, period=annual)
    compilation = followup.compilation_create(user=office, period=annual)
    pages = {
        "their report": (client_for(school), theirs.get_absolute_url()),
        "our report": (client_for(social), ours.get_absolute_url()),
        "compilation": (client_for(office), compilation.get_absolute_url()),
        "status board": (client_for(office), "/uppfoljning/status/"),
        "start page": (client_for(office), "/"),
    }
    for client, url in pages.values():
        assert state(client.get(url)) == "miss"
        assert state(client.get(url)) == "hit"
    assert "Skolans analys" in page(pages["compilation"][0].get(pages["compilation"][1]))

    _save_report(social, ours, "Vårt utkast", goal_analysis="Vår analys")
    after = {name: client.get(url) for name, (client, url) in pages.items()}
    assert state(after["our report"]) == "miss" and "Vårt utkast" in page(after["our report"])
    kept = ("their report", "compilation", "status board", "start page")
    expected = "miss" if version_in == "database" else "hit"  # no notes: every page anew
    assert {name: state(after[name]) for name in kept} == dict.fromkeys(kept, expected)
    assert "Skolans analys" in page(after["compilation"])

    followup.report_submit(user=social, report=ours)  # its state: not within a `concerning`
    for name in ("status board", "start page", "our report"):
        client, url = pages[name]
        response = client.get(url)
        assert state(response) == "miss", name
    assert ours.get_absolute_url() in page(pages["start page"][0].get("/"))  # awaiting a decision
    # a write stating no facts may have changed any row of its tables: every report page anew
    assert state(pages["their report"][0].get(pages["their report"][1])) == "miss"


@pytest.mark.django_db(transaction=True)  # real commits: the version raised by one, noted
def test_with_redis_the_annual_report_form_shows_the_interim_draft_saved_after_it(
    world, client_for, version_in
):
    """The annual report's form shows the board's own interim report, accepted or not: a save
    of the interim draft makes the form anew (its filter: accepted reports, or the board's own)."""
    from effekt.followup import services as followup
    from effekt.goals.models import Plan

    from . import factories as f

    social = world.users["organisation_editor"]
    cycle = followup.cycle_create(user=world.users["executive_office"], year=2017)
    plan = f.PlanFactory(organisation=world.social, year=2017, status=Plan.Status.ADOPTED)
    f.EffectGoalFactory(plan=plan, number=1, strategic_goals=[world.goals[0]])
    interim, annual = (
        followup.report_open(
            user=social, organisation=world.social, period=cycle.periods.get(kind=k)
        )
        for k in ("interim", "annual")
    )
    _save_report(social, interim, "Delår", goal_analysis="Första analysen")
    client, url = client_for(social), f"{annual.get_absolute_url()}andra/"
    assert state(client.get(url)) == "miss"
    response = client.get(url)
    assert state(response) == "hit" and "Första analysen" in page(response)
    _save_report(social, interim, "Delår", goal_analysis="Andra analysen")
    response = client.get(url)
    assert state(response) == "miss" and "Andra analysen" in page(response)


def test_a_filter_or_a_fact_that_cannot_be_kept_is_refused(db):
    with pytest.raises(ValueError), cache.reading():
        pass
    with pytest.raises(ValueError), cache.reading({}):
        pass
    with pytest.raises(ValueError), cache.concerning(organisation="12;part=state"):
        pass


def _goal_chain_made(world, client_for, version_in):
    """The Redis runs only: the office's client, having made the goal chain of 2017."""
    if version_in != "redis":
        pytest.skip("the Redis runs only")
    office = world.users["executive_office"]
    client = client_for(office)
    chain = "/malkedja/?year=2017"
    assert state(client.get(chain)) == "miss"
    return office, client, chain


@pytest.mark.django_db(transaction=True)  # real commits: the version raised by one, noted
def test_with_redis_a_worker_checks_the_pages_it_has_by_itself_after_a_write(
    world, plan, client_for, version_in
):
    """After a write, a worker serves the pages it has that read nothing the write changed,
    by what it noted itself: even with the shared copies and notes of the pages gone."""
    from effekt.followup import services as followup

    _office, client, chain = _goal_chain_made(world, client_for, version_in)
    store = caches["shared"]
    shared = store._cache.get_client()

    def shared_pages():
        return [k for k in shared.scan_iter(f"{store.key_prefix}:*") if b"page:" in k]

    pages = shared_pages()
    assert pages
    shared.delete(*pages)  # the page and where it is noted (a claim may expire meanwhile)
    assert not shared_pages()
    followup.cycle_create(user=world.users["executive_office"], year=2017)  # no goal chain table
    response = client.get(chain)
    assert state(response) == "hit" and "Socialnämnden" in page(response)
    services.plan_update(
        user=world.users["organisation_editor"], plan=plan, data={"direction": "Ny riktning"}
    )
    assert state(client.get(chain)) == "miss"


@pytest.mark.django_db(transaction=True)  # real commits: the version raised by one, noted
def test_with_redis_a_worker_takes_the_page_another_found_right_after_a_write(
    world, plan, client_for, version_in, monkeypatch
):
    """A worker finds a page made by another still right after writes (by the notes of the
    writes), and says so to all: a third needs no note of those writes. The worker that made it
    checks it by itself, and says so to all once in SHARE_EVERY versions."""
    from effekt.followup import services as followup

    if version_in != "redis":
        pytest.skip("the Redis runs only")
    office = world.users["executive_office"]
    client = client_for(office)
    chain = "/malkedja/?year=2017"

    def without_the_last_note():
        another_worker()
        caches["shared"].delete(cache._change_key("default", cache.current_version()))

    assert state(client.get(chain)) == "miss"
    followup.cycle_create(user=office, year=2017)
    another_worker()
    assert state(client.get(chain)) == "hit"  # checked by the notes, said to all
    without_the_last_note()
    response = client.get(chain)
    assert state(response) == "hit" and "Socialnämnden" in page(response)

    monkeypatch.setattr(cache, "SHARE_EVERY", 2)
    followup.cycle_create(user=office, year=2018)
    assert state(client.get(chain)) == "hit"  # checked here, one version on: kept here only
    without_the_last_note()
    assert state(client.get(chain)) == "miss"
    followup.cycle_create(user=office, year=2019)
    followup.cycle_create(user=office, year=2020)
    assert state(client.get(chain)) == "hit"  # checked here, two versions on: said to all
    without_the_last_note()
    assert state(client.get(chain)) == "hit"

    services.plan_update(
        user=world.users["organisation_editor"], plan=plan, data={"direction": "X"}
    )
    assert state(client.get(chain)) == "miss"


@pytest.mark.django_db(transaction=True)  # real commits: the version raised by one, noted
def test_with_redis_a_full_memory_of_notes_is_emptied_without_losing_the_ones_in_use(
    world, client_for, version_in
):
    """A worker keeps at most 10,000 notes of writes: emptied while a page is checked, the
    notes that check has read already still count."""
    from effekt.followup import services as followup

    office, client, chain = _goal_chain_made(world, client_for, version_in)
    followup.cycle_create(user=office, year=2017)
    first = cache._change_key("default", cache.current_version())
    cache._notes_here.update({f"unrelated:{n}": "*" for n in range(10_001)})
    cache._notes_here[first] = caches["shared"].get(first)  # read by an earlier check
    followup.cycle_create(user=office, year=2018)  # its note is read now, the memory emptied
    assert state(client.get(chain)) == "hit"
    assert len(cache._notes_here) == 1  # emptied, then the note read now


@pytest.mark.django_db(transaction=True)  # real commits: the version raised by one, noted
def test_with_redis_a_lower_version_empties_what_the_worker_kept(
    world, plan, client_for, version_in
):
    """A Redis back with an old copy of its data hands out numbers used before: a worker that
    sees a number lower than one it has seen forgets what it kept under them."""
    from effekt.followup import services as followup

    office, client, chain = _goal_chain_made(world, client_for, version_in)
    made = cache.current_version()
    followup.cycle_create(user=office, year=2017)
    assert state(client.get(chain)) == "hit"  # checked here under made + 1
    caches["shared"].set(cache._shared_key("default"), made, timeout=None)  # the old copy
    redis_restarted()
    client.get(chain)
    services.plan_update(
        user=world.users["organisation_editor"], plan=plan, data={"direction": "Ny"}
    )
    assert cache.current_version() == made + 1  # the number used before, for another write
    assert state(client.get(chain)) == "miss"  # the plans' table was written under it


def test_a_connection_made_while_a_page_is_made_keeps_noting_writes(db):
    """A new worker's first query may come while a page is made, inside the page's reads: the
    connection made then gets its note of writes first in its list, and keeps it after the
    page (the page's reads, and only they, are taken out)."""
    connection.ensure_connection()
    wrappers = connection.execute_wrappers
    wrappers.remove(cache._note_writes)  # as a connection not made yet
    try:
        reads = cache._Reads()
        with reads.during(connection):
            cache._watch_writes(sender=None, connection=connection)  # as connection_created does
            Organisation.objects.count()
        assert wrappers == [cache._note_writes]
        assert reads.read == {Organisation._meta.db_table: None}  # every row of it
    finally:
        if cache._note_writes not in wrappers:
            wrappers.insert(0, cache._note_writes)


@pytest.mark.django_db(transaction=True)  # real commits: the version raised by one, noted
def test_a_page_of_the_sessions_own_is_made_anew_when_its_user_changes(
    world, plan, client_for, version_in
):
    """The Excel export writes who exported it, read from the user: renamed, the export says
    the new name (the page read the user's row, though the requester was read before it)."""
    from openpyxl import load_workbook

    editor = world.users["organisation_editor"]
    client = client_for(editor)
    url = "/malkedja/export.xlsx?year=2017"
    assert state(client.get(url)) == "miss" and state(client.get(url)) == "hit"
    editor.first_name, editor.last_name = "Nytt", "Namn"
    editor.save()
    response = client.get(url)
    assert state(response) == "miss"
    book = load_workbook(io.BytesIO(response.content))
    values = [cell for row in book.worksheets[-1].iter_rows(values_only=True) for cell in row]
    assert "Nytt Namn" in values


def test_the_redis_client_is_made_once_per_pool(version_in):
    if version_in != "redis":
        pytest.skip("the Redis runs only")
    client = caches["shared"]._cache
    assert client.get_client() is client.get_client()
    assert client.get_client(write=True) is client.get_client(write=True)


def shared_page_keys():
    """The keys of the pages this test worker keeps in the shared Redis."""
    store = caches["shared"]
    found = store._cache.get_client().scan_iter(f"{store.key_prefix}:*")
    keys = (name.decode().split(":", 2)[2] for name in found)
    return {key for key in keys if key.startswith("page:")}


@pytest.fixture
def made_elsewhere(world, plan, client_for, version_in):
    """A page as another worker is making it: its key claimed in Redis, the page not stored yet.
    Returns the client, the page's address, its key and the page as that worker stores it."""
    if version_in != "redis":
        pytest.skip("pages are made once for all workers only with Redis")
    client = client_for(world.users["organisation_editor"])
    url = plan.get_absolute_url()
    before = shared_page_keys()
    assert state(client.get(url)) == "miss"
    (key,) = shared_page_keys() - before
    store = caches["shared"]
    assert store.get(f"making:{key}") is None  # the claim ended with the making
    entry = store.get(key)
    store.delete(key)
    caches[cache.CACHE_ALIAS].clear()
    assert store.add(f"making:{key}", 1)  # the other worker's claim
    return SimpleNamespace(client=client, url=url, key=key, entry=entry, store=store)


def test_with_redis_a_worker_waits_for_the_page_another_is_making_and_makes_none(
    made_elsewhere, monkeypatch
):
    other = made_elsewhere
    waits = []

    def the_other_worker_stores_it(seconds):
        waits.append(seconds)
        if len(waits) == 3:
            other.store.set(other.key, other.entry)
            other.store.delete(f"making:{other.key}")

    monkeypatch.setattr(cache.time, "sleep", the_other_worker_stores_it)
    with CaptureQueriesContext(connection) as queries:
        response = other.client.get(other.url)
    assert state(response) == "hit" and len(queries.captured_queries) == 0
    assert "Riktning ett" in page(response) and len(waits) == 3
    assert state(other.client.get(other.url)) == "hit"  # kept in this worker's memory too


def test_with_redis_a_worker_makes_the_page_itself_when_the_other_ends_without_it(
    made_elsewhere, monkeypatch
):
    other = made_elsewhere
    monkeypatch.setattr(
        cache.time, "sleep", lambda seconds: other.store.delete(f"making:{other.key}")
    )
    response = other.client.get(other.url)
    assert state(response) == "miss" and "Riktning ett" in page(response)
    assert other.store.get(other.key) is not None  # stored for the others
    assert other.store.get(f"making:{other.key}") is None


def test_with_redis_a_worker_waits_no_longer_than_the_setting_says(made_elsewhere, settings):
    other = made_elsewhere
    settings.EFFEKT_PAGE_WAIT_SECONDS = 0.05  # the other worker never stores it
    response = other.client.get(other.url)
    assert state(response) == "miss" and "Riktning ett" in page(response)
    assert other.store.get(other.key) is not None
    assert other.store.get(f"making:{other.key}") == 1  # the other's claim is left to it


def test_a_file_that_is_compressed_already_is_kept_and_served_as_it_is(world, plan, client_for):
    client = client_for(world.users["reader"])
    client.defaults["HTTP_ACCEPT_ENCODING"] = "gzip"
    url = "/malkedja/export.xlsx?year=2017"
    first, second = client.get(url), client.get(url)
    assert (state(first), state(second)) == ("miss", "hit")
    for response in (first, second):
        assert response.status_code == 200 and not response.has_header("Content-Encoding")
        assert response.content.startswith(b"PK")
    assert second.content == first.content
