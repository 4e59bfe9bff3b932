"""The ``alphas`` / ``n_alphas`` arguments, with scikit-learn 1.9's meaning and deprecations.

scikit-learn 1.9 reads ``alphas`` as an int (the number of alphas of the
automatic grid, from alpha_max down to eps * alpha_max) or as an array (the
grid itself).  ``n_alphas`` is deprecated in the path functions (a
FutureWarning; scikit-learn removes it in 1.11), and the CV estimators no
longer have it.  penalized follows the same schedule: its path functions
take the same sentinel defaults as scikit-learn's (``n_alphas='deprecated'``,
``alphas='warn'``: the default grid of 100 alphas, no warning), and its CV
estimators default to ``alphas=100`` while still accepting ``n_alphas``
with a FutureWarning (scikit-learn's CV estimators reject it), so code
written for either version keeps working.

Every resolver returns either an int (grid size, the caller builds the
automatic grid) or a float64 array sorted decreasing (a path runs from strong
to weak penalties).
"""

import numbers
import warnings

import numpy as np
from sklearn.utils import check_scalar

from ._validation import check_scalar_param, user_stacklevel

DEFAULT_N_ALPHAS = 100

N_ALPHAS_DEPRECATED = (
    "'n_alphas' was deprecated in 1.9 and will be removed in 1.11 (scikit-learn's "
    "schedule, which penalized follows). 'alphas' now accepts an integer value which "
    "removes the need to pass 'n_alphas'. The default value of 'alphas' will change "
    "from None to 100 in 1.11. Pass an explicit value to 'alphas' and leave 'n_alphas' "
    "to its default value to silence this warning."
)
ALPHAS_NONE_DEPRECATED = (
    "'alphas=None' is deprecated and will be removed in 1.11, at which point the "
    "default value will be set to 100. Set 'alphas=100' to silence this warning."
)
CV_N_ALPHAS_DEPRECATED = (
    "'n_alphas' is deprecated: scikit-learn 1.9's CV estimators no longer have it and "
    "read an integer 'alphas' as the number of alphas. Pass alphas={n} instead."
)


def is_count(value):
    """True for an int (not a bool): a number of alphas rather than a grid."""
    return isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_))


def check_alpha_grid(alphas, name="alphas"):
    """An explicit grid: every entry a real >= 0 (scikit-learn's per-entry messages,
    e.g. ``alphas[1] == -1, must be >= 0.0.``), finite; sorted decreasing."""
    if isinstance(alphas, str):
        raise TypeError(f"{name} must be an int or an array-like of floats, got {alphas!r}.")
    if np.ndim(alphas) == 0:
        # scikit-learn rejects a scalar float too: an int counts alphas, a grid is a sequence
        raise ValueError(f"{name} must be an int (the number of alphas) or an array-like of "
                         f"floats (the grid), got {alphas!r}; for one alpha pass [{alphas!r}].")
    values = np.asarray(alphas, dtype=object).reshape(-1)
    if values.size == 0:
        raise ValueError(f"{name} must be an int >= 1 or a non-empty array of floats >= 0.")
    for index, alpha in enumerate(values):
        if isinstance(alpha, np.generic):
            alpha = alpha.item()
        check_scalar(alpha, f"{name}[{index}]", target_type=numbers.Real, min_val=0.0,
                     include_boundaries="left")
        if not np.isfinite(alpha):
            raise ValueError(f"{name}[{index}] == {alpha}, must be finite.")
    return np.sort(values.astype(np.float64))[::-1]


def _count_or_grid(alphas):
    if is_count(alphas):
        return int(check_scalar_param(alphas, "alphas", low=1, integer=True))
    return check_alpha_grid(alphas)


def path_alphas(alphas, n_alphas):
    """``alphas`` / ``n_alphas`` of a path function, as scikit-learn 1.9's lasso_path reads them.

    n_alphas='deprecated' and alphas='warn' are the defaults (100 alphas, silent);
    an explicit n_alphas warns (FutureWarning) and sets the count; alphas=None
    warns and keeps the count; an int alphas is the count, an array the grid.
    """
    count = DEFAULT_N_ALPHAS
    if not (isinstance(n_alphas, str) and n_alphas == "deprecated"):
        warnings.warn(N_ALPHAS_DEPRECATED, FutureWarning, stacklevel=user_stacklevel())
        count = int(check_scalar_param(n_alphas, "n_alphas", low=1, integer=True))
    if isinstance(alphas, str) and alphas == "warn":
        return count
    if alphas is None:
        warnings.warn(ALPHAS_NONE_DEPRECATED, FutureWarning, stacklevel=user_stacklevel())
        return count
    return _count_or_grid(alphas)


def cv_alphas(alphas, n_alphas):
    """``alphas`` / ``n_alphas`` of a CV estimator (defaults ``alphas=100``,
    ``n_alphas='deprecated'``).

    An explicit n_alphas warns and is the count unless alphas is a grid (the
    grid wins, as before) or a different int than the default (a conflict:
    ValueError); alphas=None warns and means the count.
    """
    count = None
    if not (isinstance(n_alphas, str) and n_alphas == "deprecated"):
        count = int(check_scalar_param(n_alphas, "n_alphas", low=1, integer=True))
        warnings.warn(CV_N_ALPHAS_DEPRECATED.format(n=count), FutureWarning,
                      stacklevel=user_stacklevel())
    if alphas is None:
        warnings.warn(ALPHAS_NONE_DEPRECATED, FutureWarning, stacklevel=user_stacklevel())
        return DEFAULT_N_ALPHAS if count is None else count
    resolved = _count_or_grid(alphas)
    if count is not None and is_count(resolved):
        if resolved not in (count, DEFAULT_N_ALPHAS):
            raise ValueError(
                f"alphas={resolved} and n_alphas={count} disagree; pass only "
                f"alphas={count} (n_alphas is deprecated).")
        return count
    return resolved
