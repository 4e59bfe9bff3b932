"""User-defined groups of features: the validated partition and its native layout.

Shared by the least-squares group models (``_group.py``), the GLM models and
``penalized.solvers``; no estimator code here (the modules that import it are
imported by the estimators).
"""

import numbers

import numpy as np

__all__ = ["Grouping", "check_groups"]


class Grouping:
    """A validated partition of the features into groups, with their weights.

    ``ptr`` (n_groups + 1) and ``cols`` (a permutation of the features) are the
    native layout: group g is ``cols[ptr[g]:ptr[g + 1]]``; ``labels`` (n_features,)
    gives each feature's group index; ``weights`` the omega_g; ``ridge`` (None: 1)
    the factors rho_g of the ridge term, alpha (1 - l1_ratio)/2 sum_g rho_g ||W_g||^2
    (the multi-task models' penalty factors and standardization scale both terms).
    """

    def __init__(self, labels, weights, excluded=None, ridge=None):
        self.labels = labels
        self.ridge = ridge
        self.n_groups = int(labels.max()) + 1
        sizes = np.bincount(labels, minlength=self.n_groups)
        self.sizes = sizes
        self.ptr = np.concatenate([[0], np.cumsum(sizes)]).astype(np.intp)
        self.cols = np.argsort(labels, kind="stable").astype(np.intp)
        self.weights = weights
        # groups kept at 0 (``exclude``), and the unpenalized ones among the others
        self.excluded = (np.zeros(self.n_groups, dtype=bool) if excluded is None
                         else excluded)
        self.free = (weights == 0) & ~self.excluded

    def excluded_columns(self):
        """The features of the excluded groups."""
        return np.flatnonzero(self.excluded[self.labels])

    def merge_free(self):
        """The same problem with every unpenalized group merged into one (the last):
        the block solver takes at most one (an excluded group keeps its place, weight 1,
        as it never moves).  ``self`` if there is nothing to change."""
        if np.count_nonzero(self.free) <= 1 and not np.any(self.excluded & (self.weights == 0)):
            return self
        weights = np.where(self.excluded, np.where(self.weights > 0, self.weights, 1.0),
                           self.weights)
        if np.count_nonzero(self.free) <= 1:
            return Grouping(self.labels, np.ascontiguousarray(weights), self.excluded,
                            self.ridge)
        keep = np.flatnonzero(~self.free)
        new_index = np.full(self.n_groups, keep.size, dtype=np.intp)
        new_index[keep] = np.arange(keep.size)
        ridge = (None if self.ridge is None
                 else np.ascontiguousarray(np.append(self.ridge[keep], 0.0)))
        return Grouping(new_index[self.labels],
                        np.ascontiguousarray(np.append(weights[keep], 0.0)),
                        np.append(self.excluded[keep], False), ridge)

    def block_sums(self, per_feature):
        """sum_{j in G_g} v_j for every group g."""
        return np.bincount(self.labels, weights=per_feature, minlength=self.n_groups)

    def block_norms(self, coef):
        """||W_g||_F for every group, coef (n_features,) or (n_tasks, n_features)."""
        c = np.asarray(coef, dtype=np.float64).reshape(-1, coef.shape[-1])
        return np.sqrt(self.block_sums(np.sum(c * c, axis=0)))


def check_groups(groups, n_features, group_weights=None, allow_zero=False, exclude=None):
    """Validate ``groups`` (and ``group_weights``) for n_features; returns a Grouping.

    ``groups`` is one of: an int k (contiguous groups of k features, the last
    one shorter if k does not divide n_features); an array of n_features
    labels (features with the same label form a group, groups ordered by
    their first feature); a list of lists of feature indices that partition
    0..n_features-1.  ``group_weights``: None (sqrt of each group's size) or
    n_groups positive finite weights in the groups' order (with ``allow_zero``,
    non-negative: a weight of 0 makes the group unpenalized, for the models
    whose solver supports it).  ``exclude``: None or indices of groups (in the
    groups' order) kept at 0.
    """
    if isinstance(groups, numbers.Integral) and not isinstance(groups, bool):
        if groups < 1:
            raise ValueError(f"groups as an int is the group size and must be >= 1; got {groups}.")
        labels = np.arange(n_features) // int(groups)
    elif isinstance(groups, (list, tuple)) and groups and all(
            isinstance(g, (list, tuple, np.ndarray)) for g in groups):
        labels = np.full(n_features, -1, dtype=np.intp)
        for k, g in enumerate(groups):
            idx = np.asarray(g)
            if idx.ndim != 1 or idx.size == 0 or not np.issubdtype(idx.dtype, np.integer):
                raise ValueError(f"groups[{k}] must be a non-empty list of feature indices; "
                                 f"got {g!r}.")
            if idx.min() < 0 or idx.max() >= n_features:
                raise ValueError(f"groups[{k}] has a feature index outside "
                                 f"[0, {n_features}); got {g!r}.")
            if np.any(labels[idx] >= 0) or np.unique(idx).size != idx.size:
                raise ValueError(f"groups must partition the features: a feature of "
                                 f"groups[{k}] is already in a group.")
            labels[idx] = k
        if np.any(labels < 0):
            missing = np.flatnonzero(labels < 0)[:5].tolist()
            raise ValueError(f"groups must partition the features: features {missing} are in "
                             "no group (give each unpenalized feature its own group, or "
                             "leave it out of X).")
    else:
        arr = np.asarray(groups)
        if arr.ndim != 1 or arr.shape[0] != n_features:
            raise ValueError(
                "groups must be an int (group size), an array of one label per feature "
                f"(length {n_features}), or a list of lists of feature indices; got "
                f"{type(groups).__name__} of shape {arr.shape}.")
        if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
            raise ValueError("groups has non-finite labels.")
        _, first, inverse = np.unique(arr, return_index=True, return_inverse=True)
        order = np.argsort(np.argsort(first))   # number the groups by first feature
        labels = order[inverse.ravel()]
    labels = np.asarray(labels, dtype=np.intp)
    n_groups = int(labels.max()) + 1
    sizes = np.bincount(labels, minlength=n_groups)
    if group_weights is None:
        weights = np.sqrt(sizes.astype(np.float64))
    else:
        weights = np.asarray(group_weights, dtype=np.float64)
        if weights.shape != (n_groups,):
            raise ValueError(f"group_weights must have one weight per group ({n_groups}); "
                             f"got shape {weights.shape}.")
        if allow_zero:
            if not np.all(np.isfinite(weights)) or np.any(weights < 0):
                raise ValueError("group_weights must be non-negative and finite (0: an "
                                 "unpenalized group).")

        elif not np.all(np.isfinite(weights)) or np.any(weights <= 0):
            raise ValueError("group_weights must be positive and finite (a group with weight "
                             "0 would be unpenalized, which this model's solver does not "
                             "support yet).")
    excluded = np.zeros(n_groups, dtype=bool)
    if exclude is not None:
        idx = np.asarray(exclude)
        if idx.dtype == bool or (idx.size and not np.issubdtype(idx.dtype, np.integer)):
            raise ValueError(f"exclude must hold group indices (integers in the groups' "
                             f"order); got {exclude!r}.")
        idx = idx.ravel().astype(np.int64)
        if idx.size and (idx.min() < 0 or idx.max() >= n_groups):
            raise ValueError(f"exclude holds group indices outside [0, {n_groups - 1}]: "
                             f"{idx[(idx < 0) | (idx >= n_groups)][:5].tolist()}.")
        excluded[idx] = True
    if allow_zero and not np.any((weights > 0) & ~excluded):
        raise ValueError("group_weights / exclude: at least one group must be penalized (a "
                         "positive weight) and not excluded.")
    return Grouping(labels, np.ascontiguousarray(weights), excluded)
