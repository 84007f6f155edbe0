"""How long the compilation documents take for a whole municipality.

    .venv/bin/python benchmarks/compilation_documents.py

Loads the full demo municipality (Enköping 2016–2019: 50 organisations, 138 effect goals, the
council's ten indicators…) with `load_demo` into a throwaway SQLite database in a temporary
directory (DJANGO_SETTINGS_MODULE=effekt.settings.demo, EFFEKT_VAR_DIR pointing there), then
times the executive board's compilation of the 2018 annual report, as the council adopted it,
as PDF (WeasyPrint) and as Word (python-docx): reading the data, each document three times, and
prints the times, the sizes and the number of PDF pages.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
RUNS = 3


def _pages(pdf: bytes) -> str:
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo is None:
        return "?"
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        info = subprocess.run([pdfinfo, file.name], capture_output=True, text=True).stdout  # noqa: S603
    return next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")), "?")


def _time(function):
    times, result = [], None
    for _ in range(RUNS):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return result, times


def main():
    with tempfile.TemporaryDirectory(prefix="effekt-bench-") as var_dir:
        os.environ["DJANGO_SETTINGS_MODULE"] = "effekt.settings.demo"
        os.environ["EFFEKT_VAR_DIR"] = var_dir
        os.environ.pop("DATABASE_URL", None)  # always the throwaway SQLite file
        os.environ.setdefault("LOG_LEVEL", "WARNING")

        import django

        django.setup()
        from django.core.management import call_command
        from django.utils import translation

        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
        print(f"demo loaded into {var_dir} in {time.perf_counter() - started:.1f} s")

        from effekt.documents import content, pdf, word
        from effekt.followup.models import Compilation, Period

        translation.activate("sv")
        compilation = Compilation.objects.select_related("period__cycle").get(
            period__cycle__year=2018, period__kind=Period.Kind.ANNUAL
        )
        assert compilation.is_adopted, "the demo's 2018 annual compilation is adopted"
        data = compilation.snapshot
        print(
            f"{compilation}: {len(data['goals'])} strategic goals, "
            f"{sum(len(g['effect_goals']) for g in data['goals'])} effect goal rows, "
            f"{len(data['assignments'])} assignments, {len(data['reports'])} reports"
        )
        document, build = _time(lambda: content.compilation_document(compilation))
        print(
            f"  data and charts   {min(build):6.2f} s  (first {build[0]:.2f} s)  "
            f"{len(document.body['indicators'])} indicators"
        )
        pdf_bytes, pdf_times = _time(lambda: pdf.render(content.compilation_document(compilation)))
        print(
            f"  PDF               {statistics.median(pdf_times):6.2f} s  (first {pdf_times[0]:.2f} s)"
            f"  {len(pdf_bytes) / 1024:,.0f} kB, {_pages(pdf_bytes)} pages"
        )
        docx_bytes, docx_times = _time(
            lambda: word.render(content.compilation_document(compilation))
        )
        print(
            f"  Word (.docx)      {statistics.median(docx_times):6.2f} s  "
            f"(first {docx_times[0]:.2f} s)  {len(docx_bytes) / 1024:,.0f} kB"
        )
        print(f"median of {RUNS} runs each, data included")


if __name__ == "__main__":
    main()
