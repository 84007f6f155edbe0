"""How long the Kolada import takes for a full municipality's worth of indicators.

    .venv/bin/python benchmarks/kolada_import.py

Sets up Django with the test settings against a throwaway database (a temporary SQLite file; or,
when DATABASE_URL is set, a test database created beside it and dropped afterwards), creates
10 indicators, each with a Kolada KPI and 312 series (every municipality, region and the country
in shared/kolada's real municipality list), and replays Kolada's API locally: an
`httpx.MockTransport` answering the real paths with deterministic made-up values for 20 years,
paged with next_url and refusing more than 25 ids per path segment, as Kolada does. Then it times
`kolada_import` three times: the first import (62,400 new values), the same again (nothing
changed) and with 1 % of the values revised (each revision recorded in the history).
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import sys
import tempfile
import time
import zlib
from pathlib import Path
from urllib.parse import unquote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "effekt.settings.test")

import django  # noqa: E402
import httpx  # noqa: E402

KPIS = 10
YEARS = list(range(2005, 2025))  # 20 years
PAGE_SIZE = 1000
BASE = "https://kolada.replay/v3/"


def _sample(name: str) -> list[dict]:
    """Real records: the copy in tests/fixtures/kolada, else shared/kolada beside the repo."""
    for folder in (ROOT / "tests" / "fixtures" / "kolada", ROOT.parent / "shared" / "kolada"):
        if (folder / name).exists():
            return json.loads((folder / name).read_text(encoding="utf-8"))["values"]
    raise SystemExit(f"{name} not found in tests/fixtures/kolada or ../shared/kolada")


class ReplayKolada:
    """Kolada's v3 paths, answered locally: real metadata, deterministic values."""

    def __init__(self, kpis: list[dict], municipalities: list[dict]):
        self.entities = {"kpi": kpis, "municipality": municipalities}
        self.revised = False
        self.requests = 0
        self.seconds = 0.0  # time spent in here, answering

    def value(self, kpi: str, area: str, year: int) -> float:
        h = zlib.crc32(f"{kpi}:{area}:{year}".encode())
        value = (h % 100_000) / 1000
        if self.revised and h % 100 == 0:  # about 1 % of the values
            value += 0.5
        return value

    def __call__(self, request: httpx.Request) -> httpx.Response:
        started = time.perf_counter()
        try:
            return self._answer(request)
        finally:
            self.seconds += time.perf_counter() - started

    def _answer(self, request: httpx.Request) -> httpx.Response:
        self.requests += 1
        parts = unquote(request.url.path).removeprefix("/v3/").split("/")
        if any(len(segment.split(",")) > 25 for segment in parts):
            return httpx.Response(422, json={"error": "too many ids"})
        page = int(request.url.params.get("page", "1"))
        start, stop = (page - 1) * PAGE_SIZE, page * PAGE_SIZE
        if parts[0] == "data":
            dims = dict(zip(parts[1::2], (s.split(",") for s in parts[2::2]), strict=True))
            years = [int(y) for y in dims["year"]] if "year" in dims else YEARS
            combos = itertools.product(dims["kpi"], dims["municipality"], years)
            total = len(dims["kpi"]) * len(dims["municipality"]) * len(years)
            rows = [
                {
                    "kpi": kpi,
                    "municipality": area,
                    "period": year,
                    "values": [
                        {
                            "gender": g,
                            "count": 1,
                            "status": "",
                            "value": self.value(kpi + g, area, year),
                        }
                        for g in ("T", "K", "M")
                    ],
                }
                for kpi, area, year in itertools.islice(combos, start, stop)
            ]
        else:
            wanted = set(parts[1].split(",")) if len(parts) > 1 else None
            every = [r for r in self.entities[parts[0]] if wanted is None or r["id"] in wanted]
            total, rows = len(every), every[start:stop]
        following = str(request.url.copy_set_param("page", page + 1)) if stop < total else None
        return httpx.Response(200, json={"values": rows, "count": len(rows), "next_url": following})


def main() -> None:
    from django.conf import settings

    logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per request
    temporary = tempfile.TemporaryDirectory(prefix="effekt-bench-")
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{temporary.name}/effekt.sqlite3"
    django.setup()
    from django.db import connection

    # As in production: the test settings' DEBUG would also log every query, which costs time.
    settings.DEBUG = False

    database = settings.DATABASES["default"]
    # A database of its own, never one the test suite (possibly running meanwhile) uses.
    test = database.setdefault("TEST", {})
    if database["ENGINE"].endswith("sqlite3"):
        test["NAME"] = f"{temporary.name}/bench.sqlite3"
    else:
        test["NAME"] = f"{database['NAME']}_kolada_bench_{os.getpid()}"
    print(f"Database: {database['ENGINE'].rsplit('.', 1)[-1]}, setting up (migrations)…")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(connection.vendor)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        temporary.cleanup()


def run(vendor: str) -> None:
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from effekt.core.models import ChangeRecord
    from effekt.indicators import services
    from effekt.indicators.kolada import KoladaClient, kolada_import
    from effekt.indicators.models import Measurement, Series

    kpis = _sample("kpi.v3.indicator-candidates.json")[:KPIS]
    municipalities = _sample("municipality.v3.all.json")
    user = get_user_model().objects.create_user(username="benchmark", is_superuser=True)

    with transaction.atomic():
        for number, kpi in enumerate(kpis, start=1):
            indicator = services.indicator_save(
                user=user, data={"name": f"{number}. {kpi['title'][:150]}"}
            )
            services.kpi_link_save(user=user, indicator=indicator, kpi_id=kpi["id"])
            own = set(indicator.series.values_list("area_code", flat=True))
            # Setup only (not what is measured): the other 311 series in one statement.
            Series.objects.bulk_create(
                Series(
                    indicator=indicator,
                    role=Series.Role.COUNTRY if m["id"] == "0000" else Series.Role.COMPARISON,
                    area_code=m["id"],
                    area_name=m["title"],
                )
                for m in municipalities
                if m["id"] not in own
            )
    series = Series.objects.count()
    print(f"{KPIS} indicators, {series} series, {len(YEARS)} years: {series * len(YEARS):,} values")

    replay = ReplayKolada(kpis, municipalities)

    def timed(label: str) -> None:
        replay.requests, replay.seconds = 0, 0.0
        records = ChangeRecord.objects.count()
        client = KoladaClient(base_url=BASE, transport=httpx.MockTransport(replay), sleep=_fail)
        started = time.perf_counter()
        fetch = kolada_import(user=user, client=client)
        seconds = time.perf_counter() - started
        handled = fetch.created + fetch.revised + fetch.deleted + fetch.unchanged
        print(
            f"{label:<22} {seconds:6.2f} s  {handled / seconds:9,.0f} values/s  "
            f"(new {fetch.created:,}, revised {fetch.revised:,}, deleted {fetch.deleted:,}, "
            f"unchanged {fetch.unchanged:,}; {replay.requests} requests, "
            f"{replay.seconds:.2f} s of it in the replayed API; "
            f"{ChangeRecord.objects.count() - records:,} change records)"
        )

    print(f"Kolada import on {vendor}:")
    timed("first import")
    timed("again, no changes")
    replay.revised = True
    timed("again, 1 % revised")
    assert Measurement.objects.count() == series * len(YEARS)


def _fail(seconds: float) -> None:
    raise RuntimeError("the replayed API never asks to wait")


if __name__ == "__main__":
    main()
