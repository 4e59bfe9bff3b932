"""
Speed: the benchmark tables as figures
======================================

``benchmarks/compare.py`` times every solver on the same 100-alpha Lasso path, each driven to
the same certified accuracy (duality gap recomputed in float64 numpy; protocol in
``benchmarks/RESULTS.md``), single-threaded BLAS, medians of interleaved runs.  This example
does **not** re-run the benchmark (that takes minutes and needs the peers installed): it reads
the ``lasso_path`` table of the paths summary in ``benchmarks/RESULTS.md`` (measured on a
shared 2-core machine) and draws it.  Re-run it with::

    pip install ".[bench]"
    python benchmarks/compare.py --tasks lasso_path

A second table, cost against the number of non-zeros of X, is drawn at the end.

Bars are time ratios, so > 1 means penalized is faster: against the fastest of scikit-learn,
celer and skglm on each set (peers that missed the accuracy target or timed out excluded),
and against scikit-learn alone (a timeout gives only a lower bound, drawn hatched).
"""

import re
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

try:
    here = Path(__file__).resolve().parent
except NameError:                       # run interactively
    here = Path.cwd()
RESULTS = here.parent / "benchmarks" / "RESULTS.md"


def read_table(text, heading):
    """Rows (dicts) of the markdown table that follows the line starting with heading."""
    lines = text[text.index(heading):].splitlines()[1:]
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    rows = []
    header = [c.strip() for c in lines[start].strip("|").split("|")]
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        rows.append(dict(zip(header, (c.strip() for c in line.strip("|").split("|")))))
    return rows


rows = read_table(RESULTS.read_text(), "### lasso_path: ratio")
sets = [r["set"].split(":")[1] for r in rows]
ours = np.array([float(r["ours s"]) for r in rows])
peer = np.array([float(r["peer s"]) for r in rows])
vs_peer = np.array([float(r["ratio"]) for r in rows])
vs_sklearn = np.array([float(re.sub(r"[^0-9.]", "", r["ours vs sklearn"].split("(")[0]))
                       for r in rows])
sklearn_timeout = np.array(["timeout" in r["sklearn s"] for r in rows])
print(f"{len(rows)} sets; median ratio to the fastest peer {np.median(vs_peer):.1f}, "
      f"to scikit-learn {np.median(vs_sklearn):.1f} (timeouts counted at their bound)")

# %%
# The figure
# ----------

order = np.argsort(vs_peer)
y = np.arange(len(sets))
fig, ax = plt.subplots(figsize=(7, 5))
ax.barh(y - 0.2, vs_peer[order], height=0.4, label="vs the fastest peer")
bars = ax.barh(y + 0.2, vs_sklearn[order], height=0.4, label="vs scikit-learn")
for bar, timeout in zip(bars, sklearn_timeout[order]):
    if timeout:
        bar.set_hatch("//")
ax.axvline(1.0, color="k", lw=0.8)
ax.set_xscale("log")
ax.set_yticks(y, [sets[k] for k in order])
ax.set_xlabel("time ratio (other / penalized); > 1: penalized faster")
ax.set_title("Lasso path, 100 alphas, equal certified accuracy")
ax.legend(loc="lower right")
fig.tight_layout()
plt.show()

# %%
# Cost against the number of non-zeros
# ------------------------------------
# ``benchmarks/scaling.py``: the same 30-alpha path on nested row subsets of news20 (each
# with its own alpha_max).  A slope of 1 on log-log axes is a cost linear in nnz(X).

scaling = read_table(RESULTS.read_text(), "## Cost against nnz")
nnz = np.array([float(r["nnz"]) for r in scaling])
seconds = np.array([float(r["time s"]) for r in scaling])
slope = np.polyfit(np.log(nnz), np.log(seconds), 1)[0]
print(f"time ~ nnz^{slope:.2f} over {nnz.min():.3g} to {nnz.max():.3g} non-zeros")

fig, ax = plt.subplots(figsize=(5, 4))
ax.loglog(nnz, seconds, "o-", label=f"measured (slope {slope:.2f})")
ax.loglog(nnz, seconds[0] * nnz / nnz[0], "k:", label="linear in nnz")
ax.set_xlabel("non-zeros of X (news20 row subsets)")
ax.set_ylabel("path time (s)")
ax.set_title("Lasso path cost against nnz")
ax.legend()
fig.tight_layout()
plt.show()
