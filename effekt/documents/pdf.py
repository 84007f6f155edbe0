"""PDF documents (tagged, for screen readers), laid out in HTML and CSS (templates/documents/print/) and printed by WeasyPrint.

The cover, the table of contents (page numbers by `target-counter`), the running header (the
municipality and the title) and the footer ("Sida 3 av 12") come from print/base.html and
print.css; each kind of document fills in the body. Nothing is fetched while printing: every
style is inline and the charts are inline SVG, so a document never reaches out to the network.

A printed PDF is kept (kept.py) under the SHA-256 of its HTML: the same HTML gives the same PDF,
so a document is printed again only when something in it changed (the data, the language, a new
release's templates, the date an adopted compilation's indicators are read on). A server prints
a document once however many ask for it at the same time, in a child process of its own where
it can (`in_child`).
"""

import ctypes
import gc
import hashlib
import logging
import os
import signal
import threading
import traceback
from contextlib import contextmanager, suppress
from xml.etree import ElementTree

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

# WeasyPrint reports every step of every page at INFO (from its import on); the server log needs
# none of it.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

import cssselect2  # noqa: E402
import weasyprint  # noqa: E402
from weasyprint import HTML  # noqa: E402
from weasyprint.urls import URLFetcher  # noqa: E402

from . import engine, kept  # noqa: E402, F401 -- engine: faster printing, once imported
from .content import Document  # noqa: E402

CONTENT_TYPE = "application/pdf"


def css_string(text: str) -> str:
    """`text` as a CSS string literal, safe inside a <style> element."""
    escaped = (
        str(text)
        .replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\a ")
        .replace("<", "\\3c ")
        .replace(">", "\\3e ")
    )
    return f'"{escaped}"'


def page_counter_css() -> str:
    """The footer's "Sida 3 av 12" as CSS `content`, translated around the two counters."""
    number, total = "\x00number\x00", "\x00total\x00"
    text = _("Page %(number)s of %(total)s") % {"number": number, "total": total}
    literal = css_string(text)
    return literal.replace(number, '" counter(page) "').replace(total, '" counter(pages) "')


class _NoFetching(URLFetcher):
    """Documents fetch nothing (every style is inline, the charts are inline SVG): a URL is
    refused, and WeasyPrint leaves out what it pointed to (an image shows its text instead)
    and prints on. A fetcher WeasyPrint's way, an object it can ask how to take a refusal (a
    plain function made every refusal an AttributeError that stopped the print)."""

    def fetch(self, url, headers=None):
        raise ValueError(f"documents fetch nothing: {url}")


_no_fetching = _NoFetching()


def _by_year(indicator: dict) -> list:
    """An indicator's numbers a row per year, a column per series: a table as wide as the page
    however many years there are (a column per year overran the page from about 12 years)."""
    columns = [cells for _label, cells in indicator["table"]]
    return [(year, [cells[n] for cells in columns]) for n, year in enumerate(indicator["years"])]


def html(document: Document) -> str:
    return render_to_string(
        f"documents/print/{document.kind}.html",
        {
            "doc": document,
            "b": document.body,
            "indicators": [
                {**indicator, "by_year": _by_year(indicator)}
                for indicator in document.body.get("indicators", [])
            ],
            "meta": {  # XML, unlike HTML, would read a line break in an attribute as a space
                "author": " ".join(document.municipality.split()),
                "description": " ".join(str(document.cover_subtitle).split()),
            },
            "css": {
                "municipality": css_string(document.municipality),
                "title": css_string(document.title),
                "status": css_string(_("Draft")),
                "page": page_counter_css(),
                "page_word": css_string(_("page")),
            },
        },
    )


_collector_lock = threading.Lock()
_collector_pauses = 0
_collector_was_enabled = False


@contextmanager
def _collector_paused():
    """Python's cyclic garbage collector off while a document is printed in this process (a
    threaded server: `in_child`).

    Printing builds a tree of tens of thousands of boxes that lives until the end, and every
    collection set off on the way walks all of it again: in a plain process a third of the
    compilation's printing time (4 of 15 s), in a gunicorn worker (gunicorn.conf.py raises the
    threshold) still 1 s. Reference counting frees most objects at once; what WeasyPrint leaves
    in cycles goes in the one collection after the print (half a second for the whole
    municipality's compilation). The memory at the peak grew by 2 % (514 → 526 MB). Nested and
    concurrent prints (threads) keep it off until the last one ends; it is switched back on only
    if it was on before."""
    global _collector_pauses, _collector_was_enabled
    with _collector_lock:
        if _collector_pauses == 0:
            _collector_was_enabled = gc.isenabled()
            gc.disable()
        _collector_pauses += 1
    try:
        yield
    finally:
        with _collector_lock:
            _collector_pauses -= 1
            if _collector_pauses == 0 and _collector_was_enabled:
                gc.enable()


def _parsed(text: str) -> HTML:
    """The document's HTML, parsed for WeasyPrint: as XML where it can be, else as HTML.

    WeasyPrint parses HTML with tinyhtml5, in Python: for the whole municipality's compilation
    (700 kB, 9,000 elements) that took 0.6 s of a 10 s print (on a slow hour), where Python's
    XML parser (expat, in C) takes 0.02 s. The print templates are written so that what they
    make is also well-formed XML giving the same tree (void elements closed, the style sheet in
    a commented CDATA section, tables with their row groups, no line breaks or tabs in
    attributes, which XML would make spaces); tests/test_documents.py prints every kind of
    document both ways and compares the bytes. Django's `linebreaksbr` writes `<br>`, which is
    closed here: everything from the data is escaped, so no `<br>` is anything but the filter's.
    Whatever XML will not take (a control character in a text, say) is parsed as HTML, as
    before. This builds WeasyPrint's `HTML` as its own `__init__` does after parsing, so it is
    done only for the version it mirrors.

    Either way the base URL is "/": WeasyPrint would make it a file URL ("file:////"), against
    which the links within the document (the contents, "#summary") became links to a file that
    opens nothing, where against "/" they stay links to places in the PDF."""
    root = None
    if weasyprint.__version__ == "70.0":
        with suppress(ElementTree.ParseError):
            # our own templates' text: the data in it is escaped, so it holds no declarations
            root = ElementTree.fromstring(text.replace("<br>", "<br/>"))  # noqa: S314
    if root is None:
        document = HTML(string=text, url_fetcher=_no_fetching, base_url="/")
    else:
        document = HTML.__new__(HTML)
        document.url_fetcher = _no_fetching
        document.media_type = "print"
        document.wrapper_element = cssselect2.ElementWrapper.from_html_root(
            root, content_language=None
        )
        document.etree_element = document.wrapper_element.etree_element
    document.base_url = "/"
    return document


def _print_here(text: str) -> bytes:
    document = _parsed(text).render(pdf_tags=True)
    # tagged: headings, lists, tables and reading order reach screen readers
    return document.write_pdf(pdf_tags=True)


class ChildFailed(RuntimeError):
    """The work given to `in_child` failed there; the message holds the child's traceback."""


def in_child(work) -> bytes:
    """`work()`, a function returning bytes, run in a child process forked for it; its bytes.

    Printing the whole municipality's compilation leaves 725,000 Python objects in reference
    cycles that only the garbage collector frees: collecting them took 0.6 s after every print,
    and a process that prints keeps the memory of the print's peak ever after (410 MB, against
    190 MB for one whose prints are made in children). A child forked from the worker starts
    with all the worker has loaded (Django, WeasyPrint, the templates), prints with its
    collector off, sends the bytes through a pipe and ends without freeing anything: the system
    takes its memory back at once. The peak is no lower (the child's pages add to the
    worker's); what the worker keeps afterwards is. Forking costs a few milliseconds.

    Only a process with one Python thread forks (gunicorn's sync workers, the command line): a
    thread holding a lock at the moment of the fork would leave it held in the child for ever.
    The same holds for threads the work itself starts (Pango loads fonts in threads of its
    own): a process in which the work has run once (a threaded server, a fork refused) does all
    later work itself. An exception in the child is raised here as `ChildFailed` with the
    child's traceback; the child is killed if this process is interrupted or dies."""
    global _worked_here
    if _worked_here or not hasattr(os, "fork") or threading.active_count() > 1:
        _worked_here = True
        return work()
    read, write = os.pipe()
    parent = os.getpid()
    try:
        pid = os.fork()
    except OSError:  # no memory or processes to spare: the work is done here
        os.close(read)
        os.close(write)
        _worked_here = True
        return work()
    if pid == 0:  # the child: whatever happens, it ends here, without unwinding the parent's stack
        code = 1
        try:
            _die_with(parent)
            os.close(read)
            gc.disable()  # what the work leaves goes with the process
            try:
                answer = work()
                with open(write, "wb", closefd=False) as pipe:
                    pipe.write(answer)
                code = 0
            except BaseException:
                os.write(write, traceback.format_exc().encode()[-CHILD_ERROR_BYTES:])
        finally:
            os._exit(code)
    try:
        with open(read, "rb") as pipe:
            os.close(write)
            answer = pipe.read()
    except BaseException:  # the worker stopped (a timeout, a signal): the child goes too
        os.kill(pid, signal.SIGKILL)
        raise
    finally:
        _pid, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    if code != 0:  # the end of what it wrote: its traceback (a PDF cut short before it)
        said = answer[-CHILD_ERROR_BYTES:].decode(errors="replace")
        raise ChildFailed(f"the child process ended with {code}:\n{said}")
    return answer


_worked_here = False
CHILD_ERROR_BYTES = 8_000


def _die_with(parent):
    """On Linux, the child is killed when the worker dies (gunicorn kills a worker that
    overruns its timeout or does not stop in time): it does not go on printing for nobody with
    the worker's sockets and the print's lock (kept.py) open."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the child ends when it has printed
        return
    if os.getppid() != parent:  # died before that call
        os._exit(1)


PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


_one_print_at_a_time = threading.Lock()


def _print(text: str) -> bytes:
    def printed():
        # in a child the collector is off already and stays off; printed here (a threaded
        # server), the document and its boxes are unreachable once this returns, before the
        # collector is back on: its first collection frees their cycles, not keeps them.
        # Threads of one process print one at a time: WeasyPrint printing in several at once
        # measured some glyphs wrong (Pango's fonts are shared), and one at a time costs no
        # throughput, the printing being Python that holds the interpreter's lock anyway.
        with _one_print_at_a_time, _collector_paused():
            return _print_here(text)

    return in_child(printed)


def render(document: Document) -> bytes:
    """The document as PDF bytes: printed, or as printed before from the same HTML."""
    text = html(document)
    return kept.kept("pdf", hashlib.sha256(text.encode()).hexdigest(), lambda: _print(text))
