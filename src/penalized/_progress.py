"""Progress lines on stderr for long paths and cross-validation (``verbose=``)."""

import sys
import time


class PathProgress:
    """Callback for a path solver: ``progress(k, n_alphas, alpha, coef, gap)`` after each alpha.

    On a terminal the line is rewritten in place; otherwise (logs, pipes) about
    ten lines per path are written.  Each shows the alpha index / total, alpha,
    the number of non-zero coefficients, the duality gap and the elapsed time.
    """

    def __init__(self, label="path", stream=None):
        self.label = label
        self.stream = stream   # None: sys.stderr when writing (keeps the callback picklable)
        self.start = time.perf_counter()
        isatty = getattr(sys.stderr if stream is None else stream, "isatty", None)
        self.tty = bool(isatty and isatty())

    def __call__(self, k, n_alphas, alpha, coef, gap):
        last = k + 1 == n_alphas
        if not (self.tty or last or (k + 1) % max(1, n_alphas // 10) == 0):
            return
        nnz = int((coef != 0).sum())
        line = (f"[{self.label}] alpha {k + 1:>{len(str(n_alphas))}}/{n_alphas} "
                f"alpha={alpha:.3e} nnz={nnz} gap={max(gap, 0.0):.1e} "
                f"{time.perf_counter() - self.start:.1f}s")
        stream = sys.stderr if self.stream is None else self.stream
        if self.tty:
            stream.write("\r" + line + ("\n" if last else ""))
        else:
            stream.write(line + "\n")
        stream.flush()


def path_progress(verbose, label):
    """A :class:`PathProgress` when ``verbose`` is truthy, else None (silent)."""
    return PathProgress(label) if verbose else None


def message(verbose, text):
    """One line on stderr when ``verbose`` is truthy."""
    if verbose:
        sys.stderr.write(text + "\n")
        sys.stderr.flush()
