"""Small real datasets bundled with penalized (licences in ``penalized/data/README.md``).

* :func:`load_leukemia`: Golub et al. (1999) expression data, a binary outcome
  (AML / ALL), p >> n.
* :func:`load_randhie`: the RAND Health Insurance Experiment, a count outcome
  (doctor visits) for :class:`penalized.PoissonRegression`.
* :func:`load_statecrime`: US state violent-crime rates, a positive continuous outcome
  for :class:`penalized.GammaRegression`.
"""

from importlib import resources

import numpy as np

__all__ = ["load_leukemia", "load_randhie", "load_statecrime", "state_names"]


def _load(name):
    with resources.files("penalized").joinpath(f"data/{name}.npz").open("rb") as f:
        z = np.load(f, allow_pickle=False)
        return {k: z[k] for k in z.files}


def load_leukemia():
    """Golub leukemia data: (X float64 (72, 7129) raw intensities, y in {-1, +1} (AML = +1),
    is_test (72,) bool, the original 34-sample test set)."""
    z = _load("leukemia_golub")
    return z["X"].astype(np.float64), z["y"].astype(np.float64), z["is_test"].astype(bool)


def load_randhie():
    """RAND HIE: (X float64 (20190, 9), y float64 doctor visits (counts), feature_names)."""
    z = _load("randhie")
    return z["X"], z["y"].astype(np.float64), [str(s) for s in z["feature_names"]]


def load_statecrime():
    """US states 2009: (X float64 (51, 5) percents, y float64 violent crimes per 100,000,
    feature_names); the state names: :func:`state_names`."""
    z = _load("statecrime")
    return z["X"], z["y"], [str(s) for s in z["feature_names"]]


def state_names():
    """The 51 row names of :func:`load_statecrime` (50 states and DC)."""
    return [str(s) for s in _load("statecrime")["states"]]
