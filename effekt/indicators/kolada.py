"""Kolada (API v3): a small client, and the import of KPI values into the indicators' series.

Kolada (kolada.se) is the open database of Swedish municipal key figures (KPIs). The client
speaks its REST API v3 (`settings.KOLADA_BASE_URL`):

- metadata: `/kpi/<ids>`, `/municipality/<ids>`, `/municipality_groups/<ids>` or `?title=…`;
- values: `/data/kpi/<ids>/municipality/<ids>[/year/<years>]`, where a "municipality" may
  also be a municipality group (`G37359`) or the whole country (`0000`).

Every answer is `{"values": [...], "count": n, "next_url": "…"}`; the client follows `next_url`
(or v2's `next_page`) until it is empty. Kolada refuses more than 25 ids in one path segment
(HTTP 422), so every id list is sent in chunks of at most 25. Rate limits (429) and server
errors (5xx) are retried with exponential backoff, a bounded number of times; timeouts too.
Whatever goes wrong ends as a `KoladaError` whose text a person can read (in Swedish).

`kolada_import` fetches, for the chosen indicators, the values of their KPIs for the areas of
their series (the municipality, comparison groups such as "Liknande kommuner, övergripande,
Enköping" and the country) and stores them as measurements: new values are added, revised ones
updated (each revision recorded in the history), those Kolada has deleted are removed (recorded
too). Total, women and men are separate series. Each value keeps its KPI and the fetch time, so
pages can show "Källa: Kolada" with the date, as Kolada's terms of use require. Everything is
fetched before anything is written, and the writing is one transaction: a failed run changes
nothing, and its `KoladaFetch` row says why.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import httpx
from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from effekt.core.audit import record, snapshot
from effekt.core.cache import data_changed
from effekt.core.models import ChangeRecord
from effekt.core.services import update_audited
from effekt.organisations import access
from effekt.organisations.access import Action

from .models import Indicator, KoladaFetch, KpiLink, Measurement, Series

logger = logging.getLogger(__name__)

MAX_IDS_PER_SEGMENT = 25
"""Kolada v3 answers HTTP 422 to longer id lists in one path segment."""

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
"""Answers worth waiting for: rate limiting and temporary server trouble (any other 5xx too)."""

# The years a measurement may have (effekt.goals.models.YEAR_VALIDATORS); Kolada's older
# values, if any, are left out rather than stored as rows no form could save again.
FIRST_YEAR, LAST_YEAR = 1990, 2100

_VALUE_QUANTUM = Decimal("0.000001")  # Measurement.value has six decimals
_VALUE_LIMIT = Decimal(10) ** 12  # …and at most twelve digits before the point
_BATCH = 900  # rows per statement when ids go into an IN (…) list
_TITLE_LENGTH = KpiLink._meta.get_field("kpi_title").max_length


class KoladaError(Exception):
    """A request to Kolada failed, or Kolada does not know what was asked for.

    `str(error)` is a message for people (translated); `status` and `url` are for logs.
    """

    def __init__(self, message: str, *, status: int | None = None, url: str = ""):
        super().__init__(message)
        self.message = message
        self.status = status
        self.url = url

    def __str__(self) -> str:
        return self.message


def chunked(ids: Iterable[Any], size: int = MAX_IDS_PER_SEGMENT) -> Iterator[list[str]]:
    """The ids, without blanks and repeats, in lists of at most `size`."""
    unique = list(dict.fromkeys(str(i).strip() for i in ids if str(i).strip()))
    for start in range(0, len(unique), size):
        yield unique[start : start + size]


def _segment(ids: Sequence[str]) -> str:
    return ",".join(quote(i, safe="") for i in ids)


class KoladaClient:
    """A small, synchronous client for Kolada's API v3.

    `transport` is handed to httpx (tests give an `httpx.MockTransport`, so they never touch the
    network); `sleep` is called with the seconds to wait between attempts (tests record it).
    A failing request is tried `max_attempts` times in all, waiting `backoff`, 2×, 4×… seconds
    (at most `max_backoff`; a longer Retry-After of a 429 is honoured up to that limit).
    """

    def __init__(
        self,
        base_url: str | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: float | None = None,
        sleep: Callable[[float], Any] = time.sleep,
        *,
        max_attempts: int = 4,
        backoff: float = 1.0,
        max_backoff: float = 30.0,
    ):
        base = base_url or settings.KOLADA_BASE_URL
        self.base_url = base if base.endswith("/") else f"{base}/"
        self.timeout = float(settings.KOLADA_TIMEOUT if timeout is None else timeout)
        self.sleep = sleep
        self.max_attempts = max(1, max_attempts)
        self.backoff = backoff
        self.max_backoff = max_backoff
        self._http = httpx.Client(
            base_url=self.base_url,
            transport=transport,
            timeout=self.timeout,
            follow_redirects=True,
            headers={"Accept": "application/json", "User-Agent": "Effekt (Kolada import)"},
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> KoladaClient:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    # -- metadata ------------------------------------------------------------------------------

    def kpis(self, ids: Iterable[str]) -> list[dict]:
        """The metadata of these KPIs; a `KoladaError` names any Kolada does not know."""
        return self._by_ids("kpi", ids, _("Kolada has no KPI with the id %(ids)s."))

    def municipalities(self, ids: Iterable[str] | None = None, *, title: str = "") -> list[dict]:
        """Municipalities and regions (and the country, 0000): by id, by title search, or all."""
        if ids is not None:
            return self._by_ids(
                "municipality", ids, _("Kolada has no municipality or region with the id %(ids)s.")
            )
        return self._list("municipality", title)

    def groups(self, ids: Iterable[str] | None = None, *, title: str = "") -> list[dict]:
        """Municipality groups (`{"id", "title", "members": [{"member_id", "member_title"}]}`)."""
        if ids is not None:
            return self._by_ids(
                "municipality_groups",
                ids,
                _("Kolada has no municipality group with the id %(ids)s."),
            )
        return self._list("municipality_groups", title)

    def _list(self, entity: str, title: str) -> list[dict]:
        params = {"title": title} if title else None
        return [row for page in self._pages(entity, params) for row in page]

    def _by_ids(self, entity: str, ids: Iterable[str], unknown: str) -> list[dict]:
        wanted = list(dict.fromkeys(str(i).strip() for i in ids if str(i).strip()))
        found: dict[str, dict] = {}
        for chunk in chunked(wanted):
            for page in self._pages(f"{entity}/{_segment(chunk)}"):
                for row in page:
                    if isinstance(row, dict) and row.get("id") is not None:
                        found[str(row["id"])] = row
        missing = [i for i in wanted if i not in found]
        if missing:
            raise KoladaError(unknown % {"ids": ", ".join(missing)})
        return [found[i] for i in wanted]

    # -- values --------------------------------------------------------------------------------

    def values(
        self,
        kpi_ids: Iterable[str],
        area_codes: Iterable[str],
        years: Iterable[int] | None = None,
    ) -> Iterator[dict]:
        """The value rows `{kpi, municipality, period, values: [{gender, count, status, value}]}`.

        `area_codes` are municipalities, groups (G…) or 0000; without `years`, all years.
        Requests are made as the rows are read: consume them before writing anything.
        """
        kpi_chunks = list(chunked(kpi_ids))
        area_chunks = list(chunked(area_codes))
        year_chunks: list[list[str] | None] = list(chunked(years)) if years is not None else [None]
        if years is not None and not year_chunks:
            return
        for kpis in kpi_chunks:
            for areas in area_chunks:
                for year_chunk in year_chunks:
                    path = f"data/kpi/{_segment(kpis)}/municipality/{_segment(areas)}"
                    if year_chunk is not None:
                        path += f"/year/{_segment(year_chunk)}"
                    for page in self._pages(path):
                        yield from page

    # -- transport -----------------------------------------------------------------------------

    def _pages(self, path: str, params: dict | None = None) -> Iterator[list]:
        """Each page's `values`, following `next_url` (v2: `next_page`) until there is none."""
        url: str | None = path
        seen: set[str] = set()
        while url:
            body = self._get(url, params)
            params = None  # the next page's URL carries its own query
            values = body.get("values") if isinstance(body, dict) else None
            if not isinstance(values, list):
                raise KoladaError(self._unreadable(url), url=url)
            yield values
            following = body.get("next_url") or body.get("next_page")
            url = self._next(following, seen) if following else None

    def _next(self, following: Any, seen: set[str]) -> str:
        """The next page's URL, if it stays on Kolada's server and does not go round in circles."""
        absolute = urljoin(self.base_url, str(following))
        if urlsplit(absolute).hostname != urlsplit(self.base_url).hostname or absolute in seen:
            raise KoladaError(
                _("Kolada sent an unusable link to the next page: %(url)s") % {"url": absolute},
                url=absolute,
            )
        seen.add(absolute)
        return absolute

    @staticmethod
    def _unreadable(url: str) -> str:
        return _("Kolada sent an answer that could not be read: %(url)s") % {"url": url}

    def _delay(self, attempt: int, response: httpx.Response | None) -> float:
        delay = self.backoff * 2 ** (attempt - 1)
        if response is not None:
            # Retry-After in seconds; absent or an HTTP date: keep the exponential delay.
            with contextlib.suppress(ValueError):
                delay = max(delay, float(response.headers.get("Retry-After", "")))
        return min(delay, self.max_backoff)

    def _get(self, url: str, params: dict | None = None) -> Any:
        attempt = 0
        while True:
            attempt += 1
            response: httpx.Response | None = None
            try:
                response = self._http.get(url, params=params)
            except httpx.TimeoutException:
                shown = str(self._http.build_request("GET", url, params=params).url)
                failure = KoladaError(
                    _(
                        "Kolada did not answer within %(seconds)s seconds (%(attempts)s attempts): %(url)s"
                    )
                    % {"seconds": f"{self.timeout:g}", "attempts": attempt, "url": shown},
                    url=shown,
                )
            except httpx.TransportError as error:
                failure = KoladaError(
                    _("Could not reach Kolada (%(attempts)s attempts): %(error)s")
                    % {"attempts": attempt, "error": str(error) or error.__class__.__name__},
                    url=url,
                )
            else:
                shown = str(response.request.url)
                status = response.status_code
                if status in RETRY_STATUSES or status >= 500:
                    failure = KoladaError(
                        _(
                            "Kolada is not available (HTTP %(status)s, %(attempts)s attempts): %(url)s"
                        )
                        % {"status": status, "attempts": attempt, "url": shown},
                        status=status,
                        url=shown,
                    )
                elif status >= 400:
                    raise KoladaError(
                        _("Kolada refused the request (HTTP %(status)s): %(url)s")
                        % {"status": status, "url": shown},
                        status=status,
                        url=shown,
                    )
                else:
                    try:
                        return response.json()
                    except ValueError as error:
                        raise KoladaError(self._unreadable(shown), url=shown) from error
            if attempt >= self.max_attempts:
                raise failure
            self.sleep(self._delay(attempt, response))


# -- the import --------------------------------------------------------------------------------


@dataclass
class _Received:
    """What Kolada sent for one run, before anything is written."""

    titles: dict[str, str] = field(default_factory=dict)  # KPI id → title
    rows: dict[tuple[str, str], dict[int, dict]] = field(
        default_factory=lambda: defaultdict(dict)
    )  # (KPI id, area code) → {year: value row}


@dataclass
class _Counts:
    created: int = 0
    revised: int = 0
    deleted: int = 0
    unchanged: int = 0


def _selected(indicators) -> list[Indicator]:
    """The indicators to import (objects, ids or a queryset; None: all with a Kolada KPI)."""
    queryset = Indicator.objects.prefetch_related("kpi_links", "series").order_by("pk")
    if indicators is None:
        return list(queryset.filter(kpi_links__isnull=False).distinct())
    pks = [getattr(item, "pk", item) for item in indicators]
    return list(queryset.filter(pk__in=pks))


def _is_group(area_code: str) -> bool:
    return area_code.upper().startswith("G")


def _area(series: Series) -> str:
    """The series' Kolada id as Kolada writes it (groups with a capital G)."""
    return series.area_code.strip().upper()


def _areas(indicator: Indicator) -> list[str]:
    return [_area(s) for s in indicator.series.all() if s.area_code]


def _receive(client: KoladaClient, indicators: list[Indicator]) -> _Received:
    """Ask Kolada for everything the run needs: KPI and area metadata, then the values."""
    received = _Received()
    areas_of_kpi: dict[str, set[str]] = defaultdict(set)
    for indicator in indicators:
        for link in indicator.kpi_links.all():
            areas_of_kpi[link.kpi_id].update(_areas(indicator))
    if not areas_of_kpi:
        return received
    received.titles = {
        row["id"]: str(row.get("title") or "") for row in client.kpis(sorted(areas_of_kpi))
    }
    areas = sorted(set().union(*areas_of_kpi.values()))
    if municipalities := [a for a in areas if not _is_group(a)]:
        client.municipalities(municipalities)
    if groups := [a for a in areas if _is_group(a)]:
        client.groups(groups)
    # KPIs wanted for the same areas are asked for together: fewer, fuller requests.
    kpis_of_areas: dict[frozenset[str], list[str]] = defaultdict(list)
    for kpi_id, kpi_areas in sorted(areas_of_kpi.items()):
        if kpi_areas:
            kpis_of_areas[frozenset(kpi_areas)].append(kpi_id)
    for kpi_areas, kpi_ids in kpis_of_areas.items():
        for row in client.values(kpi_ids, sorted(kpi_areas)):
            try:
                key = (str(row["kpi"]), str(row["municipality"]))
                year = int(row["period"])
            except (KeyError, TypeError, ValueError) as error:
                raise KoladaError(
                    _("Kolada sent a value that could not be read: %(value)s")
                    % {"value": str(row)[:200]}
                ) from error
            received.rows[key][year] = row
    return received


def _deleted(item: dict) -> bool:
    """Kolada flags removed values with `isdeleted` (v2: `is_deleted`, 0/1)."""
    return bool(item.get("isdeleted") or item.get("is_deleted"))


def _decimal(value: Any) -> Decimal | None:
    """Kolada's number as the measurement stores it (six decimals); None stays None."""
    if value is None:
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as error:
        raise KoladaError(
            _("Kolada sent a value that could not be read: %(value)s") % {"value": value}
        ) from error
    if number.is_nan():
        return None
    if not number.is_finite() or abs(number) >= _VALUE_LIMIT:
        raise KoladaError(
            _("Kolada sent a value that could not be read: %(value)s") % {"value": value}
        )
    return number.quantize(_VALUE_QUANTUM)


def _gender_entry(row: dict, gender: str) -> dict | None:
    for item in row.get("values") or ():
        if isinstance(item, dict) and item.get("gender") == gender:
            return item
    return None


def _in_batches(items: Sequence, size: int = _BATCH) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _apply(
    *, user, indicators: list[Indicator], received: _Received, fetched_at, counts: _Counts
) -> None:
    """Write what was received. Runs inside the run's transaction."""
    data_changed(access=False)  # bulk writes send no signals; even the fetch times are shown
    revision_message = _("Revised in Kolada (%(kpi)s).")
    deletion_message = _("Deleted in Kolada (%(kpi)s).")

    # The KPI titles, as Kolada has them now.
    for indicator in indicators:
        for link in indicator.kpi_links.all():
            title = received.titles.get(link.kpi_id, "")[:_TITLE_LENGTH]
            if title and title != link.kpi_title:
                update_audited(
                    user=user, obj=link, data={"kpi_title": title}, message=_("Title from Kolada.")
                )

    # One query for what is already stored: (series, year) → (pk, value, source, kpi).
    series_by_pk: dict[int, Series] = {}
    for indicator in indicators:
        if indicator.kpi_links.all():
            series_by_pk.update({s.pk: s for s in indicator.series.all() if s.area_code})
    existing: dict[tuple[int, int], tuple[int, Decimal | None, str, str]] = {
        (series_id, year): (pk, value, source, kpi_id)
        for pk, series_id, year, value, source, kpi_id in Measurement.objects.filter(
            series__indicator__in=[i.pk for i in indicators]
        ).values_list("pk", "series_id", "year", "value", "source", "kpi_id")
        if series_id in series_by_pk
    }

    kolada = Indicator.Source.KOLADA
    new: list[Measurement] = []
    revisions: dict[int, tuple[Decimal | None, str]] = {}  # pk → (value, kpi)
    deletions: dict[int, str] = {}  # pk → kpi
    unchanged: list[int] = []
    handled: set[tuple[int, int]] = set()  # (series, year): the first KPI covering a year wins
    for indicator in indicators:
        links = list(indicator.kpi_links.all())
        for series in indicator.series.all():
            if series.pk not in series_by_pk:
                continue
            for link in links:
                for year, row in received.rows.get((link.kpi_id, _area(series)), {}).items():
                    if not (FIRST_YEAR <= year <= LAST_YEAR and link.covers(year)):
                        continue
                    if (series.pk, year) in handled:
                        continue
                    handled.add((series.pk, year))
                    item = _gender_entry(row, series.gender)
                    stored = existing.get((series.pk, year))
                    if _deleted(row) or (item is not None and _deleted(item)):
                        # Only what Kolada itself gave is taken away again.
                        if stored and stored[2] == kolada and stored[3] == link.kpi_id:
                            deletions[stored[0]] = link.kpi_id
                        continue
                    if item is None:
                        continue  # no value for this gender (a KPI not divided by gender)
                    value = _decimal(item.get("value"))
                    if stored is None:
                        new.append(
                            Measurement(
                                series=series,
                                year=year,
                                value=value,
                                source=kolada,
                                kpi_id=link.kpi_id,
                                fetched_at=fetched_at,
                            )
                        )
                    elif stored[1] == value and stored[2] == kolada and stored[3] == link.kpi_id:
                        unchanged.append(stored[0])
                    else:
                        revisions[stored[0]] = (value, link.kpi_id)

    Measurement.objects.bulk_create(new, batch_size=500)
    counts.created = len(new)

    # Values seen again: only the fetch time moves on (not a change worth a history entry).
    for batch in _in_batches(unchanged):
        Measurement.objects.filter(pk__in=batch).update(fetched_at=fetched_at)
    counts.unchanged = len(unchanged)

    revised = _load(revisions, series_by_pk)
    befores = [snapshot(m) for m in revised]
    for measurement in revised:
        if measurement.source != kolada:
            # A value entered by hand (or from a file) gives way to Kolada's; its note (such as
            # the demo's "made up") was about the old value.
            measurement.note = ""
        value, kpi_id = revisions[measurement.pk]
        measurement.value, measurement.kpi_id = value, kpi_id
        measurement.source, measurement.fetched_at = kolada, fetched_at
        measurement.updated_at = fetched_at
    Measurement.objects.bulk_update(
        revised, ["value", "source", "kpi_id", "fetched_at", "note", "updated_at"], batch_size=500
    )
    for measurement, before in zip(revised, befores, strict=True):
        record(
            user=user,
            action=ChangeRecord.Action.UPDATE,
            obj=measurement,
            before=before,
            after=snapshot(measurement),
            message=revision_message % {"kpi": measurement.kpi_id},
        )
    counts.revised = len(revised)

    doomed = _load(deletions, series_by_pk)
    befores = [snapshot(m) for m in doomed]
    for batch in _in_batches([m.pk for m in doomed]):
        Measurement.objects.filter(pk__in=batch).delete()
    for measurement, before in zip(doomed, befores, strict=True):
        record(
            user=user,
            action=ChangeRecord.Action.DELETE,
            obj=measurement,
            before=before,
            message=deletion_message % {"kpi": deletions[measurement.pk]},
        )
    counts.deleted = len(doomed)


def _load(pks: Iterable[int], series_by_pk: dict[int, Series]) -> list[Measurement]:
    """The measurements with these ids, their series already attached (no query each)."""
    found: list[Measurement] = []
    for batch in _in_batches(sorted(pks)):
        found.extend(Measurement.objects.filter(pk__in=batch).order_by("pk"))
    for measurement in found:
        measurement.series = series_by_pk[measurement.series_id]
    return found


def kolada_import(*, user, indicators=None, client: KoladaClient | None = None) -> KoladaFetch:
    """Fetch the indicators' KPI values from Kolada and store them; return the run's record.

    `indicators`: objects, ids or a queryset; None means every indicator with a Kolada KPI.
    The user must be allowed to change every one of them (PermissionDenied otherwise, before
    anything is asked or written). A failed run raises (`KoladaError` for Kolada's part) after
    rolling back everything it wrote, and leaves its `KoladaFetch` row with the error.
    """
    access.require(user, Action.CHANGE, Indicator)  # a reader is refused even with nothing chosen
    chosen = _selected(indicators)
    for indicator in chosen:
        access.require(user, Action.CHANGE, indicator)
    fetch = KoladaFetch.objects.create(user=user if getattr(user, "pk", None) else None)
    own_client = client is None
    try:
        if client is None:
            client = KoladaClient()
        received = _receive(client, chosen)
        fetched_at = timezone.now()
        with transaction.atomic():
            counts = _Counts()
            _apply(
                user=user,
                indicators=chosen,
                received=received,
                fetched_at=fetched_at,
                counts=counts,
            )
            fetch.created, fetch.revised = counts.created, counts.revised
            fetch.deleted, fetch.unchanged = counts.deleted, counts.unchanged
            fetch.finished_at = timezone.now()
            fetch.save()
    except Exception as error:
        _record_failure(fetch, error)
        raise
    finally:
        if own_client and client is not None:
            client.close()
    return fetch


def _record_failure(fetch: KoladaFetch, error: Exception) -> None:
    """After the rollback: what remains of a failed run is the record of the attempt."""
    logger.warning("Kolada import %s failed: %s", fetch.pk, error)
    fetch.created = fetch.revised = fetch.deleted = fetch.unchanged = 0
    fetch.error = str(error) or error.__class__.__name__
    fetch.finished_at = timezone.now()
    try:
        fetch.save()
    except DatabaseError:  # the database itself failed: the original error matters more
        logger.exception("Could not record the failure of Kolada import %s", fetch.pk)


def fetch_summary(fetch: KoladaFetch) -> str:
    """One sentence about a finished run, for the admin and the command line."""
    return _(
        "Fetched from Kolada: %(created)s new, %(revised)s revised, %(deleted)s deleted and "
        "%(unchanged)s unchanged values."
    ) % {
        "created": fetch.created,
        "revised": fetch.revised,
        "deleted": fetch.deleted,
        "unchanged": fetch.unchanged,
    }


def comparison_groups(client: KoladaClient, municipality_code: str) -> tuple[dict, list[dict]]:
    """The municipality's Kolada record and the groups whose title names it ("Liknande kommuner,
    övergripande, Enköping, 2025" …), the "Liknande kommuner" ones first."""
    municipality = client.municipalities([municipality_code])[0]
    name = str(municipality.get("title") or municipality_code)
    groups = client.groups(title=name)
    groups.sort(
        key=lambda g: (not str(g.get("title") or "").startswith("Liknande"), str(g.get("title")))
    )
    return municipality, groups
