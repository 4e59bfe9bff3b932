"""Progress of long paths and cross-validation (``verbose=``): a tqdm bar and the ``penalized`` logger.

- ``verbose=1`` (``True`` for the path functions): a progress bar when tqdm is
  installed (``pip install penalized[progress]``; ``tqdm.auto``, so a widget
  in notebooks).  A CV fit has one bar over every path point of every fold
  job, so it stays readable with ``n_jobs > 1``.  Without tqdm, the same
  progress as log lines (about ten per path, one per finished fold job).
- ``verbose=2``: log lines for every alpha of every path and every fold job.

Lines go through the ``logging`` logger ``"penalized"`` at level INFO.  When
the application has not configured logging (no handler on the root or the
``penalized`` logger), the first verbose call attaches a handler writing the
bare message to ``sys.stderr``; configure logging to route them elsewhere.
"""

import logging
import sys
import threading
import time

logger = logging.getLogger("penalized")


class _StderrHandler(logging.Handler):
    """The message alone, on the sys.stderr of the moment (not the one at creation)."""

    def emit(self, record):
        try:
            sys.stderr.write(self.format(record) + "\n")
            sys.stderr.flush()
        except Exception:   # pragma: no cover - logging must never raise
            self.handleError(record)


def _ensure_visible():
    """verbose output is shown even when the application has not configured logging."""
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.INFO)
    if not logger.handlers and not logging.getLogger().handlers:
        logger.addHandler(_StderrHandler())


def _tqdm():
    """tqdm.auto.tqdm, or None when tqdm is not installed (an optional dependency)."""
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm


def log(text):
    _ensure_visible()
    logger.info(text)


class PathProgress:
    """Callback for a path solver: ``progress(k, n_alphas, alpha, coef, gap)`` after each alpha.

    Logs a line (alpha index / total, alpha, non-zero coefficients, duality gap,
    elapsed time) for every alpha with ``every=True``, else about ten per path.
    Picklable (no stream or lock held), so it can go to any joblib backend.
    """

    def __init__(self, label="path", every=False):
        self.label = label
        self.every = every
        self.start = time.perf_counter()

    def __call__(self, k, n_alphas, alpha, coef, gap):
        last = k + 1 == n_alphas
        if not (self.every or last or (k + 1) % max(1, n_alphas // 10) == 0):
            return
        nnz = int((coef != 0).sum())
        log(f"[{self.label}] alpha {k + 1:>{len(str(n_alphas))}}/{n_alphas} "
            f"alpha={alpha:.3e} nnz={nnz} gap={max(gap, 0.0):.1e} "
            f"{time.perf_counter() - self.start:.1f}s")


class PathBar:
    """Callback drawing one tqdm bar for one path (created at the first alpha)."""

    def __init__(self, label, tqdm):
        self.label = label
        self.tqdm = tqdm
        self.bar = None

    def __call__(self, k, n_alphas, alpha, coef, gap):
        if self.bar is None:
            self.bar = self.tqdm(total=n_alphas, desc=self.label, unit="alpha")
        self.bar.set_postfix(alpha=f"{alpha:.2e}", nnz=int((coef != 0).sum()),
                             gap=f"{max(gap, 0.0):.1e}", refresh=False)
        self.bar.update(1)
        if k + 1 == n_alphas:
            self.bar.close()

    def __getstate__(self):        # a remote worker draws nothing
        return {"label": self.label, "tqdm": None, "bar": None}

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.tqdm = self.tqdm or (lambda **kw: _NoBar())


class _NoBar:
    def set_postfix(self, **kw):
        pass

    def update(self, n):
        pass

    def close(self):
        pass


def path_progress(verbose, label):
    """The callback of a path function's ``verbose``: None (0/False), a tqdm bar
    (1/True, tqdm installed), else log lines (every alpha from verbose=2)."""
    verbose = int(verbose)
    if verbose <= 0:
        return None
    tqdm = _tqdm() if verbose == 1 else None
    if tqdm is not None:
        return PathBar(f"[{label}]", tqdm)
    return PathProgress(label, every=verbose >= 2)


class CVProgress:
    """Progress of a CV fit: one bar over every path point of every fold job.

    ``fold(label)`` is the callback to give fold ``label``'s path solver,
    ``job_done(i, n_jobs)`` runs as each fold job finishes and ``close()``
    after the last.  verbose=1: the bar (tqdm installed) or a log line per
    finished fold job; verbose>=2: log lines per fold job and per alpha.
    """

    def __init__(self, verbose, label, total_points):
        self.verbose = int(verbose)
        self.label = label
        self.start = time.perf_counter()
        tqdm = _tqdm() if self.verbose == 1 else None
        self.bar = (tqdm(total=total_points, desc=f"[{label}]", unit="alpha")
                    if tqdm is not None else None)
        self.lock = threading.Lock()

    def fold(self, label):
        if self.verbose >= 2:
            return PathProgress(label, every=True)
        if self.bar is not None:
            return _BarTick(self)
        return None

    def tick(self):
        with self.lock:                  # fold threads update one bar
            self.bar.update(1)

    def job_done(self, i, n_jobs):
        if self.verbose >= 1 and self.bar is None:
            log(f"[{self.label}] fold job {i + 1}/{n_jobs} done, "
                f"{time.perf_counter() - self.start:.1f}s")

    def close(self):
        if self.bar is not None:
            self.bar.close()

    def __getstate__(self):        # a remote worker (non-thread joblib backend) draws nothing
        state = dict(self.__dict__)
        state["bar"], state["lock"] = None, None
        return state


class _BarTick:
    """A fold's path callback advancing the shared CV bar by one point per alpha."""

    def __init__(self, progress):
        self.progress = progress

    def __call__(self, k, n_alphas, alpha, coef, gap):
        if self.progress.bar is not None:
            self.progress.tick()


def message(verbose, text):
    """One log line when ``verbose`` is truthy."""
    if verbose:
        log(text)
