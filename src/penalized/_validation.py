"""Input validation shared by the path functions and the estimators.

Python validates once at the edge; the native core trusts what it is given.
Nothing here writes into a user's array: conversions make new arrays and
everything downstream only reads X and y.
"""

import contextlib
import numbers
import os
import re
import sys
import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import DataConversionWarning
from sklearn.utils import check_array
from sklearn.utils.validation import validate_data

FLOAT_DTYPES = (np.float64, np.float32)


def user_stacklevel():
    """``stacklevel`` for a warning issued by the caller, pointing at the user's code.

    Counts the frames inside this package (estimator wrappers, path helpers)
    between the caller and the first frame outside it, so the warning shows
    the user's line however deep in the package it was raised.
    """
    package = os.path.dirname(os.path.abspath(__file__))
    frame, level = sys._getframe(1), 1
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(package):
        frame, level = frame.f_back, level + 1
    return level


@contextlib.contextmanager
def named_errors(name):
    """Make a ValueError / TypeError raised inside name the argument ``name``.

    scikit-learn's checks often say what is wrong but not which argument
    ("Complex data not supported", "Found array with dim 3", "could not
    convert string to float"); the message gets a ``"<name>: "`` prefix
    unless it names the argument already, and a data dump is cut to its
    first line.
    """
    try:
        yield
    except (ValueError, TypeError) as exc:
        msg = str(exc)
        if re.search(rf"(?<![A-Za-z_]){re.escape(name)}(?![A-Za-z_])", msg):
            raise
        if len(msg) > 300:
            msg = msg.split("\n")[0].rstrip(":") + " [data omitted]"
        raise type(exc)(f"{name}: {msg}") from exc


def aligned(a):
    """``a`` (ndarray or sparse matrix) with every buffer aligned for its dtype.

    check_array keeps an unaligned array as it is (np.frombuffer at an odd
    offset, arrays deserialized by dask/pickle protocol 5); the native core
    reads doubles through typed pointers, for which that is undefined
    behaviour.  Unaligned input is copied once; aligned input is returned as is.
    """
    if sp.issparse(a):
        if all(getattr(a, k).flags.aligned for k in ("data", "indices", "indptr")
               if hasattr(a, k)):
            return a
        return a.copy()
    if isinstance(a, np.ndarray) and not a.flags.aligned:
        return a.copy(order="F" if a.flags.f_contiguous else "C")
    return a


def check_sparse_structure(X, name="X"):
    """Reject a sparse matrix whose index arrays would read or write out of bounds.

    O(nnz) and read-only (scipy's ``check_format(full_check=True)`` prunes and
    recasts the matrix in place, so it is not used on a user's matrix).  CSR,
    CSC and BSR: a 1-D integer ``indptr`` of length (major + 1) starting at 0,
    non-decreasing, ending within ``indices`` and ``data``, and every stored
    index in [0, minor).  COO: ``row`` / ``col`` of the data's length within
    the shape.  Must run before any conversion (scipy's converters trust these
    arrays as much as the native loops do).  Other formats and dense input pass.
    """
    if not sp.issparse(X):
        return X
    fmt = X.format
    if fmt in ("csr", "csc", "bsr"):
        n_rows, n_cols = X.shape
        if fmt == "bsr":
            r, c = X.blocksize
            n_rows, n_cols = n_rows // r, n_cols // c
        major, minor = (n_rows, n_cols) if fmt != "csc" else (n_cols, n_rows)
        indptr, indices = X.indptr, X.indices
        for arr, what in ((indptr, "indptr"), (indices, "indices")):
            if not isinstance(arr, np.ndarray) or arr.ndim != 1 or arr.dtype.kind not in "iu":
                raise ValueError(f"{name}: sparse {what} must be a 1-D integer array.")
        if indptr.shape[0] != major + 1:
            raise ValueError(f"{name}: sparse indptr has length {indptr.shape[0]}, "
                             f"expected {major + 1} for a {fmt} matrix of shape {X.shape}.")
        nnz = int(indptr[-1])
        n_data = X.data.shape[0]
        if int(indptr[0]) != 0 or nnz > indices.shape[0] or nnz > n_data:
            raise ValueError(f"{name}: sparse indptr must start at 0 and end within "
                             "indices and data (a corrupt or truncated matrix).")
        if major > 0 and np.any(np.diff(indptr) < 0):
            raise ValueError(f"{name}: sparse indptr must be non-decreasing "
                             "(a corrupt matrix).")
        if nnz > 0:
            used = indices[:nnz]
            if int(used.min()) < 0 or int(used.max()) >= minor:
                raise ValueError(f"{name}: sparse indices must lie in [0, {minor}) "
                                 "(a corrupt matrix: an index is negative or out of range).")
    elif fmt == "coo":
        coords = getattr(X, "coords", None) or (X.row, X.col)
        for axis, arr in enumerate(coords):
            arr = np.asarray(arr)
            if arr.ndim != 1 or arr.shape[0] != X.data.shape[0] or arr.dtype.kind not in "iu":
                raise ValueError(f"{name}: sparse COO coordinates must be 1-D integer "
                                 "arrays of the data's length.")
            if arr.size and (int(arr.min()) < 0 or int(arr.max()) >= X.shape[axis]):
                raise ValueError(f"{name}: sparse COO coordinates must lie within the "
                                 f"shape {X.shape} (a corrupt matrix).")
    return X


def plain_float_array(X, order):
    """Whether X is an ndarray ``validate_data`` would pass through unchanged: 2-D,
    float32/float64, in ``order``, non-empty and finite (a finite sum proves every
    entry finite; an overflowing sum only sends X to the full check)."""
    return (type(X) is np.ndarray and X.ndim == 2 and X.dtype in (np.float64, np.float32)
            and (order != "F" or X.flags.f_contiguous)
            and (order != "C" or X.flags.c_contiguous)
            and X.shape[0] >= 1 and X.shape[1] >= 1 and bool(np.isfinite(X.sum())))


def validate_X(estimator, X, *, reset, accept_sparse="csc", order="F"):
    """``validate_data`` on X alone (feature names and count), errors naming X."""
    if reset and plain_float_array(X, order):
        # what validate_data does with it at fit time: no feature names, the count
        estimator.n_features_in_ = X.shape[1]
        if hasattr(estimator, "feature_names_in_"):
            del estimator.feature_names_in_
        return aligned(X)
    check_sparse_structure(X)
    with named_errors("X"):
        X = validate_data(estimator, X, reset=reset, accept_sparse=accept_sparse,
                          dtype=FLOAT_DTYPES, order=order, ensure_min_samples=1,
                          ensure_min_features=1)
    X = aligned(X)
    return canonical_csc(X) if accept_sparse == "csc" else X


def check_trusted_X(X):
    """What ``check_input=False`` still requires of X: the native core's layouts.

    A float32/float64 ndarray in Fortran order, or a CSC matrix with sorted,
    duplicate-free indices whose structure is sound (``check_sparse_structure``,
    O(nnz): a corrupt matrix must never reach the loops).  No copy is made and
    values are not checked for NaN / inf (that is the caller's promise).
    """
    if sp.issparse(X):
        if X.format != "csc":
            raise ValueError(f"X: check_input=False needs a CSC matrix, got {X.format!r}; "
                             "pass check_input=True to convert.")
        if X.dtype not in FLOAT_DTYPES:
            raise ValueError(f"X: dtype must be float32 or float64, got {X.dtype}.")
        check_sparse_structure(X)
        if not X.has_canonical_format:
            raise ValueError("X: check_input=False needs sorted CSC indices without "
                             "duplicates (X.sum_duplicates() on a copy); pass "
                             "check_input=True to convert.")
        return aligned(X)
    if (not isinstance(X, np.ndarray) or X.ndim != 2 or not X.flags.f_contiguous
            or X.dtype not in FLOAT_DTYPES):
        raise ValueError("X: check_input=False needs a 2-D F-ordered float32/float64 ndarray "
                         "or a CSC matrix; pass check_input=True to convert.")
    if X.shape[0] == 0 or X.shape[1] == 0:
        raise ValueError(f"X: needs at least one sample and one feature, got shape {X.shape}.")
    return aligned(X)


def check_trusted_y(y, n_samples, dtype=None):
    """A 1-D y of n_samples under ``check_input=False`` (shape only; cast to dtype if given)."""
    y = np.asarray(y) if dtype is None else np.asarray(y, dtype=dtype)
    if y.shape != (n_samples,):
        raise ValueError(f"y must have shape ({n_samples},), got {y.shape}.")
    return y


def check_init(value, shape, name):
    """A user-supplied starting point or precomputed vector: float64, exactly ``shape``, finite.

    Used for ``coef_init``, ``intercept_init`` and ``Xy``; a wrong size is an
    error naming the argument (never a silent reshape or broadcast), and NaN or
    infinity is rejected (a NaN start used to be zeroed or to poison the fit).
    """
    if value is None:
        return None
    with named_errors(name):
        a = np.asarray(value, dtype=np.float64)
    if a.shape != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)}, got {a.shape}.")
    if not np.all(np.isfinite(a)):
        raise ValueError(f"{name} contains NaN or infinity.")
    return a


def _column_to_1d(y, input_name):
    warnings.warn(
        f"A column-vector {input_name} was passed when a 1d array was expected; "
        "it is used as y.ravel().",
        DataConversionWarning, stacklevel=user_stacklevel(),
    )
    return y[:, 0]


def _require_y(y, input_name):
    if y is None:
        raise ValueError(
            f"This estimator requires {input_name} to be passed, but the target "
            f"{input_name} is None."
        )


def check_labels(y, n_samples, input_name="y"):
    """Class labels as a 1-D array of n_samples (any dtype; finite when numeric)."""
    _require_y(y, input_name)
    with named_errors(input_name):
        if sp.issparse(y):
            raise ValueError("sparse labels are not supported; pass a 1-D array.")
        y = check_array(y, ensure_2d=False, dtype=None, input_name=input_name,
                        ensure_min_samples=1)
    if y.ndim == 2 and y.shape[1] == 1:
        y = _column_to_1d(y, input_name)
    if y.ndim != 1:
        raise ValueError(
            f"{input_name} must be 1-D (one class label per sample); got shape {y.shape}."
        )
    if y.shape[0] != n_samples:
        raise ValueError(
            f"X and {input_name} have inconsistent numbers of samples: "
            f"X has {n_samples}, {input_name} has {y.shape[0]}."
        )
    return y


def check_X(X, *, input_name="X", dtype=FLOAT_DTYPES):
    """Return X as an F-ordered float array or a canonical CSC matrix.

    Sparse index arrays are checked first (``check_sparse_structure``).
    Dense F-ordered float32/float64 input is used without a copy.  C-ordered
    dense input is copied once to F order (column access needs contiguous
    columns).  Other sparse formats are converted once to CSC (a copy of the
    same size as X); CSC with duplicate or unsorted indices is copied once and
    put in canonical form.  Integer and boolean inputs are converted to
    float64.
    """
    check_sparse_structure(X, input_name)
    with named_errors(input_name):
        X = check_array(
            X,
            accept_sparse="csc",
            dtype=dtype,
            order="F",
            input_name=input_name,
            ensure_min_samples=1,
            ensure_min_features=1,
        )
    return canonical_csc(aligned(X))


def canonical_csc(X):
    """Sparse X with duplicate or unsorted indices, summed and sorted in a copy.

    Dense or already canonical X is returned as is.  The column kernels rely on
    one entry per (row, column); the user's matrix is never modified.
    """
    if sp.issparse(X) and not X.has_canonical_format:
        X = X.copy()
        X.sum_duplicates()  # also sorts indices
    return X


def check_y(y, n_samples, dtype, *, multi_output=False, input_name="y"):
    """Return y as a contiguous float array of X's dtype (1-D or 2-D)."""
    _require_y(y, input_name)
    with named_errors(input_name):
        if sp.issparse(y):
            raise ValueError("sparse targets are not supported; pass a dense array.")
        y = check_array(
            y,
            ensure_2d=False,
            dtype=dtype,
            order="F",
            input_name=input_name,
            ensure_min_samples=1,
        )
    if y.ndim == 0:
        raise ValueError(f"{input_name} must be 1-D or 2-D, got a scalar.")
    if y.ndim == 2 and y.shape[1] == 1 and not multi_output:
        y = _column_to_1d(y, input_name)
    if y.ndim > 2 or (y.ndim == 2 and not multi_output):
        raise ValueError(
            f"{input_name} must be 1-D here; got an array of shape {y.shape}."
        )
    if y.shape[0] != n_samples:
        raise ValueError(
            f"X and {input_name} have inconsistent numbers of samples: "
            f"X has {n_samples}, {input_name} has {y.shape[0]}."
        )
    return aligned(y)


def check_1d_float(a, name):
    """``a`` as a 1-D float64 array (raw weights before rescaling)."""
    a = np.asarray(a, dtype=np.float64)
    if a.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {a.shape}.")
    return a


def check_sample_weight(sample_weight, n_samples, dtype):
    """Validate sample weights and rescale them to sum to n_samples.

    Returns None for no weights (or a scalar, which does not change the
    weighted-mean objective).  Negative, non-finite or all-zero weights raise.
    """
    if sample_weight is None or isinstance(sample_weight, numbers.Number):
        if isinstance(sample_weight, numbers.Number) and not (
            np.isfinite(sample_weight) and sample_weight > 0
        ):
            raise ValueError(
                f"sample_weight must be positive and finite, got {sample_weight!r}."
            )
        return None
    sw = check_array(
        sample_weight,
        ensure_2d=False,
        dtype=np.float64,
        input_name="sample_weight",
        ensure_min_samples=1,
    )
    if sw.ndim != 1 or sw.shape[0] != n_samples:
        raise ValueError(
            f"sample_weight must have shape ({n_samples},), got {sw.shape}."
        )
    if np.any(sw < 0):
        raise ValueError("sample_weight must be non-negative; found negative weights.")
    top = sw.max()
    if not top > 0:
        raise ValueError("sample_weight sums to zero; at least one must be positive.")
    # divide by the largest first: the sum of weights near 1e308 overflowed (every weight
    # became 0) and n / sum for subnormal weights (every weight became inf)
    sw = sw / top
    return (sw * (n_samples / sw.sum())).astype(dtype)


def check_scalar_param(value, name, *, low=None, high=None, low_inclusive=True,
                       high_inclusive=True, integer=False):
    """Validate a numeric hyper-parameter and return it as a Python number."""
    kind = numbers.Integral if integer else numbers.Real
    if isinstance(value, bool) or not isinstance(value, kind):
        what = "an integer" if integer else "a real number"
        raise TypeError(f"{name} must be {what}, got {value!r} ({type(value).__name__}).")
    if not integer and not np.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}.")
    if low is not None and (value < low or (value == low and not low_inclusive)):
        op = ">=" if low_inclusive else ">"
        raise ValueError(f"{name} must be {op} {low}, got {value!r}.")
    if high is not None and (value > high or (value == high and not high_inclusive)):
        op = "<=" if high_inclusive else "<"
        raise ValueError(f"{name} must be {op} {high}, got {value!r}.")
    return value


def check_choice(value, name, choices):
    if not isinstance(value, str) or value not in choices:
        raise ValueError(f"{name} must be one of {sorted(choices)}, got {value!r}.")
    return value


def check_alphas(alphas):
    """User alphas as a float64 array sorted decreasing (a path runs from strong to weak)."""
    alphas = np.asarray(alphas, dtype=np.float64).reshape(-1)
    if alphas.size == 0 or not np.all(np.isfinite(alphas)) or np.any(alphas < 0):
        raise ValueError("alphas must be a non-empty array of finite values >= 0.")
    return np.sort(alphas)[::-1]
