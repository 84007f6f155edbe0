"""Documents kept once made: a PDF or Word file is made again only when what goes into it changed.

A document is kept (the cache `documents`, files in EFFEKT_VAR_DIR, per server) under a key that
says everything it is made from: the PDF under the hash of its HTML, the Word file under the hash
of its contents and of the code and translations that write it out. The executive board's
compilation of a large municipality takes seconds to make (benchmarks/compilation_documents.py);
asked for again, by the same person or the next, it is read from disk. A server makes a document
once however many ask for it at the same time (`_one_at_a_time`).
"""

import fcntl
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.cache import caches


def kept(kind: str, digest: str, make: Callable[[], bytes]) -> bytes:
    """The document `make()` makes, kept under `kind` and `digest` (a hex hash of all it is made
    from): made here, or as made before."""
    key = f"{kind}:{digest}"
    store = caches["documents"]
    made = store.get(key)
    if made is not None:
        return made
    with _one_at_a_time(f"{kind}-{digest}"):
        made = store.get(key)  # made by another worker while this one waited
        if made is None:
            made = make()
            store.set(key, made)
    return made


@contextmanager
def _one_at_a_time(name: str):
    """Held while a document is made: the workers of a server asking for the same document
    meanwhile (the council's compilation, the day it is published) wait for the one that makes it
    rather than each make it too, at once, on the same cores and each with hundreds of MB. A lock
    on a file (per open file, so threads of one worker wait too), freed by the system should the
    worker die."""
    folder = Path(settings.VAR_DIR) / "locks"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.lock"
    with open(path, "wb") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            # gone before it is unlocked: whoever locks after that finds the document kept (a
            # worker waiting on the old file, or one that makes a new one)
            path.unlink(missing_ok=True)
            fcntl.flock(lock, fcntl.LOCK_UN)
