"""gunicorn's settings for Effekt (read automatically when gunicorn starts in this directory).

    gunicorn effekt.wsgi --bind 0.0.0.0:8000

WEB_CONCURRENCY sets the number of worker processes (default 2 × cores + 1). See
docs/deployment.md.
"""

import gc
import os

workers = int(os.environ.get("WEB_CONCURRENCY", 2 * (os.cpu_count() or 1) + 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))  # the compilation PDF of a large year
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None


def post_worker_init(worker):
    """Keep Python's garbage collector off the objects every request shares.

    A large page (a compilation of 1,500 effect goal rows) allocates enough objects to set off
    many full collections, each walking everything the worker has loaded — Django, the URL
    patterns, the compiled templates. Freezing those once after start-up takes them out of the
    collections, and a higher first threshold makes the collections rarer; both measured in
    benchmarks/README.md. Reference counting still frees almost everything at once.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
