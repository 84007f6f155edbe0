"""How long the compilation documents take for a whole municipality.

    .venv/bin/python benchmarks/compilation_documents.py [--runs 3] [--only pdf|word]
    .venv/bin/python benchmarks/compilation_documents.py --database-url postgres://…/effekt_bench
    .venv/bin/python benchmarks/compilation_documents.py --database-url … --save /tmp/out

Without `--database-url`: loads the full demo municipality (Enköping 2016–2019: 50 organisations,
138 effect goals, the council's ten indicators…) with `load_demo` into a throwaway SQLite database
in a temporary directory (DJANGO_SETTINGS_MODULE=effekt.settings.demo, EFFEKT_VAR_DIR pointing
there) and times the executive board's compilation of the 2018 annual report, as the council
adopted it.

With `--database-url`: the latest adopted annual compilation in that database (for example the
generated largest municipality of benchmarks/load.py, `effekt_bench`), read in read-only
transactions: the database is never written.

Times reading the data, then the PDF (WeasyPrint) and the Word document (python-docx), each
`--runs` times, made anew and as kept (effekt/documents/kept.py), and prints the median and
every run (other processes share the cores), the sizes and the number of PDF pages. `--save DIR`
also writes the documents there, to look at them.
"""

from __future__ import annotations

import argparse
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


def _pages(pdf: bytes) -> str:
    pdfinfo = shutil.which("pdfinfo")
    if pdfinfo is None:
        return "?"
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        info = subprocess.run([pdfinfo, file.name], capture_output=True, text=True).stdout  # noqa: S603
    return next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")), "?")


def _time(function, runs):
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return result, times


def _times(times) -> str:
    runs = " ".join(f"{t:.2f}" for t in times)
    return f"{statistics.median(times):6.2f} s  (runs: {runs})"


def _demo_compilation(var_dir):
    from django.core.management import call_command

    from effekt.followup.models import Compilation, Period

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    print(f"demo loaded into {var_dir} in {time.perf_counter() - started:.1f} s")
    return Compilation.objects.select_related("period__cycle").get(
        period__cycle__year=2018, period__kind=Period.Kind.ANNUAL
    )


def _latest_adopted_annual(_var_dir):
    from django.db import connection
    from load import latest_adopted_annual  # benchmarks/load.py

    # every transaction of this connection is read-only: the benchmark never writes
    connection.settings_dict.setdefault("OPTIONS", {})["options"] = (
        "-c default_transaction_read_only=on"
    )
    return latest_adopted_annual()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="read the latest adopted annual compilation here")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=("pdf", "word"), help="time only this document")
    parser.add_argument("--save", type=Path, help="write the documents to this folder")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="effekt-bench-") as var_dir:
        os.environ["DJANGO_SETTINGS_MODULE"] = "effekt.settings.demo"
        os.environ["EFFEKT_VAR_DIR"] = var_dir
        os.environ.setdefault("LOG_LEVEL", "WARNING")
        if args.database_url:
            os.environ["DATABASE_URL"] = args.database_url
        else:
            os.environ.pop("DATABASE_URL", None)  # the throwaway SQLite file

        import django

        django.setup()
        from django.utils import translation

        from effekt.documents import content, pdf, word

        translation.activate("sv")
        load = _latest_adopted_annual if args.database_url else _demo_compilation
        compilation = load(var_dir)
        assert compilation is not None and compilation.is_adopted, "an adopted compilation"
        data = compilation.snapshot
        print(
            f"{compilation}: {len(data['goals'])} strategic goals, "
            f"{sum(len(g['effect_goals']) for g in data['goals'])} effect goal rows, "
            f"{len(data['assignments'])} assignments, {len(data['reports'])} reports"
        )
        document, build = _time(lambda: content.compilation_document(compilation), args.runs)
        print(f"  data and charts   {_times(build)}  {len(document.body['indicators'])} indicators")
        if args.only in (None, "pdf"):
            from django.core.cache import caches

            def printed():
                caches["documents"].clear()  # printed, not the PDF kept from the run before
                return pdf.render(content.compilation_document(compilation))

            pdf_bytes, pdf_times = _time(printed, args.runs)
            print(
                f"  PDF               {_times(pdf_times)}"
                f"  {len(pdf_bytes) / 1024:,.0f} kB, {_pages(pdf_bytes)} pages"
            )
            _kept, kept_times = _time(
                lambda: pdf.render(content.compilation_document(compilation)), args.runs
            )
            print(f"  PDF again (kept)  {_times(kept_times)}")
            if args.save:
                args.save.mkdir(parents=True, exist_ok=True)
                (args.save / "compilation.pdf").write_bytes(pdf_bytes)
        if args.only in (None, "word"):
            from django.core.cache import caches

            def written():
                caches["documents"].clear()  # written out, not the file kept from the run before
                return word.render(content.compilation_document(compilation))

            docx_bytes, docx_times = _time(written, args.runs)
            print(f"  Word (.docx)      {_times(docx_times)}  {len(docx_bytes) / 1024:,.0f} kB")
            _kept, kept_times = _time(
                lambda: word.render(content.compilation_document(compilation)), args.runs
            )
            print(f"  Word again (kept) {_times(kept_times)}")
            if args.save:
                args.save.mkdir(parents=True, exist_ok=True)
                (args.save / "compilation.docx").write_bytes(docx_bytes)
        print(f"median of {args.runs} runs each, data included")


if __name__ == "__main__":
    main()
