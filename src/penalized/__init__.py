"""penalized: fast, certified solvers for L1 / L2 / ElasticNet-regularized linear models.

Objective of the least-squares models (scikit-learn's scaling)::

    1/(2n) * sum_i s_i (y_i - x_i.w - b)^2
        + alpha * l1_ratio * ||w||_1 + alpha * (1 - l1_ratio)/2 * ||w||_2^2

Every fitted model carries its duality gap (``dual_gap_``); ``tol`` bounds it.
"""


def _load_core():
    """Import the native core with OpenMP's idle threads sleeping (OMP_WAIT_POLICY=PASSIVE)
    unless the environment says otherwise.

    A fit's threads (``n_threads``) work only in its full passes over X, between long
    serial stretches; by default libgomp's idle threads spin for milliseconds after
    every parallel region, and on cores shared with other work that spinning took the
    calling thread's core: a Lasso path with n_threads=2 ran 4x slower than with 1
    (2.7 s of CPU became 11 s) on this project's 2-core machine under load.  The
    variable is set only while the extension (and so its OpenMP runtime, which reads
    it once when loaded) is imported, then restored; OMP_WAIT_POLICY or GOMP_SPINCOUNT
    set by the user win.
    """
    import os
    if "OMP_WAIT_POLICY" in os.environ or "GOMP_SPINCOUNT" in os.environ:
        from . import _core  # noqa: F401
        return
    os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
    try:
        from . import _core  # noqa: F401
    finally:
        del os.environ["OMP_WAIT_POLICY"]


_load_core()

from .linear_model import (
                           ElasticNet,
                           Lasso,
                           LogisticRegression,
                           enet_path,
                           lasso_path,
                           logistic_path,
)
from .model_selection import ElasticNetCV, LassoCV, LogisticRegressionCV
from ._families import (GammaRegression, GammaRegressionCV, PoissonRegression,
                        PoissonRegressionCV, gamma_path, poisson_path)
from ._cox import CoxRegression, CoxRegressionCV, concordance_index, cox_path
from ._group import (GroupElasticNet, GroupElasticNetCV, GroupLasso, GroupLassoCV,
                     group_enet_path, group_lasso_path)
from ._multitask import (MultiTaskElasticNet, MultiTaskLasso, multitask_enet_path,
                         multitask_lasso_path)
from ._multitask_cv import MultiTaskElasticNetCV, MultiTaskLassoCV
from ._relaxed import RelaxedLasso, RelaxedLassoCV
from ._ridge import Ridge, RidgeCV, ridge_path
from . import solvers
from ._version import __version__


def get_include():
    """Directory of penalized's C header (pz_kernels.h), for extensions that
    ``cimport penalized.core``: pass it in ``include_dirs`` with numpy.get_include().

    An installed package has it as ``penalized/include``; a source checkout
    used in place (``PYTHONPATH=src``) has it in the checkout's ``csrc``.
    """
    import os
    here = os.path.dirname(os.path.abspath(__file__))
    installed = os.path.join(here, "include")
    checkout = os.path.join(os.path.dirname(os.path.dirname(here)), "csrc")
    if not os.path.isdir(installed) and os.path.isfile(os.path.join(checkout, "pz_kernels.h")):
        return checkout
    return installed


__all__ = [
                           "CoxRegression",
                           "CoxRegressionCV",
                           "ElasticNet",
                           "ElasticNetCV",
                           "GammaRegression",
                           "GammaRegressionCV",
                           "GroupElasticNet",
                           "GroupElasticNetCV",
                           "GroupLasso",
                           "GroupLassoCV",
                           "Lasso",
                           "LassoCV",
                           "LogisticRegression",
                           "LogisticRegressionCV",
                           "MultiTaskElasticNet",
                           "MultiTaskElasticNetCV",
                           "MultiTaskLasso",
                           "MultiTaskLassoCV",
                           "PoissonRegression",
                           "PoissonRegressionCV",
                           "RelaxedLasso",
                           "RelaxedLassoCV",
                           "Ridge",
                           "RidgeCV",
                           "__version__",
                           "concordance_index",
                           "cox_path",
                           "enet_path",
                           "gamma_path",
                           "get_include",
                           "group_enet_path",
                           "group_lasso_path",
                           "lasso_path",
                           "logistic_path",
                           "multitask_enet_path",
                           "multitask_lasso_path",
                           "poisson_path",
                           "ridge_path",
                           "solvers",
]
