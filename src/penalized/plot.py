"""Plots of regularization paths and cross-validation curves (matplotlib, imported lazily).

scikit-learn's Display convention: :class:`PathDisplay` and :class:`CVDisplay`
hold what is drawn, ``...Display.from_estimator(est, ...)`` builds and plots one,
``.plot(ax=)`` draws it again, and ``.ax_`` / ``.figure_`` are the matplotlib
objects.  :func:`path` and :func:`cv` are thin wrappers returning the Axes;
``ax.figure.savefig("file.png")`` writes them.  Features are labelled by the
estimator's ``feature_names_in_`` (a DataFrame fit) unless ``feature_names``
is given.  Install the optional extra: ``pip install 'penalized[plot]'``.
"""

import numpy as np
import scipy.sparse as sp


def _pyplot():
    try:
        import matplotlib

        if matplotlib.get_backend().lower() not in ("agg", "pdf", "svg", "png"):
            import os

            if not os.environ.get("DISPLAY"):
                matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "penalized.plot needs matplotlib: pip install 'penalized[plot]'"
        ) from exc
    return plt


def _path_of(model, X, y):
    """(alphas, coefs) of a fitted CV model's chosen l1_ratio, recomputed on (X, y)."""
    from .linear_model import enet_path, logistic_path
    from .model_selection import chosen_cv_curve

    if X is None or y is None:
        stored = getattr(model, "coef_path_", None)
        # an ndarray or a scipy.sparse matrix (n_features, n_alphas) (store_path)
        if stored is not None and getattr(stored, "ndim", np.ndim(stored)) == 2:
            alphas = chosen_cv_curve(model)[0][:stored.shape[1]]
            return alphas, stored
        raise ValueError("plot.path(model) recomputes the model's path: pass X and y too "
                         "(the data the model was fitted on).")
    alphas = chosen_cv_curve(model)[0]
    # drawn at tol <= 1e-8: at a loose tol a warm start that is already within tol
    # is accepted unchanged, and the curves show steps that are not in the path
    tol = min(model.tol, 1e-8)
    if hasattr(model, "classes_"):
        if len(model.classes_) != 2:
            raise ValueError("plot.path draws binary logistic paths only; "
                             f"the model has {len(model.classes_)} classes.")
        alphas, coefs, _, _ = logistic_path(X, y, l1_ratio=model.l1_ratio_, alphas=alphas,
                                            fit_intercept=model.fit_intercept, tol=tol,
                                            max_iter=model.max_iter)
        return alphas, coefs
    alphas, coefs, _ = enet_path(X, y, l1_ratio=model.l1_ratio_, alphas=alphas,
                                 fit_intercept=model.fit_intercept, tol=tol,
                                 max_iter=model.max_iter)
    return alphas, coefs


class PathDisplay:
    """Coefficients against log10(alpha), the ``n_labels`` largest at the smallest alpha labelled.

    Parameters: ``alphas`` (n_alphas,), ``coefs`` (n_features, n_alphas; an
    ndarray or a scipy.sparse matrix, of which only the non-zero rows are made dense),
    ``feature_names`` (n_features,) or None (x0, x1, ...), ``alpha_min`` /
    ``alpha_1se`` (vertical lines, optional).  Attributes after :meth:`plot`:
    ``ax_``, ``figure_``, ``lines_`` (feature index -> Line2D).
    """

    def __init__(self, alphas, coefs, *, feature_names=None, alpha_min=None, alpha_1se=None):
        self.alphas = np.asarray(alphas, dtype=np.float64)
        self.coefs = coefs.tocsr() if sp.issparse(coefs) else np.asarray(coefs)
        if self.coefs.ndim != 2 or self.coefs.shape[1] != self.alphas.size:
            raise ValueError(f"coefs must have shape (n_features, {self.alphas.size}), "
                             f"got {self.coefs.shape}.")
        if feature_names is not None and len(feature_names) != self.coefs.shape[0]:
            raise ValueError(f"feature_names has {len(feature_names)} names for "
                             f"{self.coefs.shape[0]} features.")
        self.feature_names = feature_names
        self.alpha_min = alpha_min
        self.alpha_1se = alpha_1se

    @classmethod
    def from_estimator(cls, estimator, X=None, y=None, *, feature_names=None, ax=None,
                       n_labels=5):
        """The path of a fitted CV estimator at its chosen l1_ratio, plotted.

        With ``X`` and ``y`` (the data it was fitted on) the path is recomputed
        on its grid at tol <= 1e-8 (smooth curves); without them the stored
        full-data path ``coef_path_`` is drawn (LassoCV, ElasticNetCV).
        """
        alphas, coefs = _path_of(estimator, X, y)
        if feature_names is None:
            feature_names = getattr(estimator, "feature_names_in_", None)
        return cls(alphas, coefs, feature_names=feature_names,
                   alpha_min=getattr(estimator, "alpha_min_", None),
                   alpha_1se=getattr(estimator, "alpha_1se_", None)).plot(
                       ax=ax, n_labels=n_labels)

    @classmethod
    def from_path(cls, path_result, coefs=None, *, feature_names=None, ax=None, n_labels=5):
        """From the tuple of :func:`penalized.lasso_path` / ``enet_path`` /
        ``logistic_path`` (alphas first, coefficients second), or alphas and coefs."""
        if coefs is None:
            alphas, coefs = path_result[0], path_result[1]
        else:
            alphas = path_result
        return cls(alphas, coefs, feature_names=feature_names).plot(ax=ax, n_labels=n_labels)

    def plot(self, ax=None, *, n_labels=5):
        plt = _pyplot()
        if ax is None:
            _, ax = plt.subplots(figsize=(7.5, 4.5))
        alphas, coefs = self.alphas, self.coefs
        x = np.log10(alphas)
        if sp.issparse(coefs):
            active = np.unique(coefs.nonzero()[0])     # explicit zeros left out
        else:
            active = np.flatnonzero(np.any(coefs != 0, axis=1))
        # the active rows only, dense (n_active, n_alphas)
        rows = coefs[active].toarray() if sp.issparse(coefs) else coefs[active]
        order = np.argsort(-np.abs(rows[:, -1]))[:n_labels]
        top = active[order]
        row_of = dict(zip(active.tolist(), range(active.size)))
        colors = dict(zip(top, plt.rcParams["axes.prop_cycle"].by_key()["color"]))
        self.lines_ = {}
        for j in active:
            if j in colors:
                (line,) = ax.plot(x, rows[row_of[j]], lw=1.6, color=colors[j], zorder=3,
                                  label=str(self._name(j)))
            else:
                (line,) = ax.plot(x, rows[row_of[j]], lw=0.7, color="0.65", zorder=2)
            self.lines_[int(j)] = line
        if self.alpha_min is not None:
            ax.axvline(np.log10(self.alpha_min), ls="--", color="k", lw=1, label="alpha_min_")
        if self.alpha_1se is not None:
            ax.axvline(np.log10(self.alpha_1se), ls=":", color="k", lw=1, label="alpha_1se_")
        if len(top) or self.alpha_min is not None:
            handles = [self.lines_[int(j)] for j in top] + [
                h for h in ax.get_lines() if h.get_label() in ("alpha_min_", "alpha_1se_")]
            ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                      fontsize=8, frameon=False)
        ax.set_xlim(x.max(), x.min())   # strong regularisation on the left
        ax.set_xlabel("log10(alpha)")
        ax.set_ylabel("coefficient")
        ax.axhline(0, color="k", lw=0.5)
        _nonzero_axis(ax, x, np.count_nonzero(rows, axis=0))
        self.ax_, self.figure_ = ax, ax.figure
        return self

    def _name(self, j):
        return self.feature_names[j] if self.feature_names is not None else f"x{j}"


def path(model_or_result, coefs=None, *, X=None, y=None, ax=None, n_labels=5,
         feature_names=None, mark=None):
    """Coefficients against log10(alpha), the top features labelled (a :class:`PathDisplay`).

    ``model_or_result`` is one of

    - the alphas (n_alphas,), with ``coefs`` (n_features, n_alphas);
    - the tuple returned by :func:`penalized.lasso_path`, :func:`~penalized.enet_path`
      or :func:`~penalized.logistic_path` (alphas first, coefficients second);
    - a fitted CV estimator: its path at the chosen l1_ratio, recomputed on
      its grid from the ``X`` and ``y`` it was fitted on (at tol <= 1e-8, so
      that the curves are smooth), or without them its stored ``coef_path_``.
      Features are labelled by its ``feature_names_in_`` when it has them.

    The top axis shows the number of non-zero coefficients; the labels name the
    ``n_labels`` largest coefficients at the smallest alpha.  ``mark`` (a
    fitted CV estimator; by default the one passed) draws its alpha_min_ and
    alpha_1se_ as vertical lines.  Returns the matplotlib Axes.
    """
    if hasattr(model_or_result, "alphas_"):
        mark = model_or_result if mark is None else mark
        alphas, coefs = _path_of(model_or_result, X, y)
        if feature_names is None:
            feature_names = getattr(model_or_result, "feature_names_in_", None)
    elif coefs is None:
        alphas, coefs = model_or_result[0], model_or_result[1]
    else:
        alphas = model_or_result
    display = PathDisplay(alphas, coefs, feature_names=feature_names,
                          alpha_min=None if mark is None else mark.alpha_min_,
                          alpha_1se=None if mark is None else mark.alpha_1se_)
    return display.plot(ax=ax, n_labels=n_labels).ax_


def _nonzero_axis(ax, x, nnz):
    """Top axis: the number of non-zero coefficients at a few grid points."""
    top_ax = ax.secondary_xaxis("top")
    ticks = np.unique(np.linspace(0, len(x) - 1, min(6, len(x))).astype(int))
    top_ax.set_xticks(x[ticks])
    top_ax.set_xticklabels([f"{v:.0f}" for v in nnz[ticks]])
    top_ax.set_xlabel("non-zero coefficients")


class CVDisplay:
    """Mean cross-validation criterion +/- one standard error against log10(alpha).

    Parameters: ``alphas``, ``mean``, ``se`` (n_alphas,), ``alpha_min``,
    ``alpha_1se``, ``n_nonzero`` (top axis, or None), ``ylabel``.  Attributes
    after :meth:`plot`: ``ax_``, ``figure_``, ``line_`` (the mean curve).
    """

    def __init__(self, alphas, mean, se, *, alpha_min, alpha_1se, n_nonzero=None,
                 ylabel="mean CV criterion"):
        self.alphas = np.asarray(alphas, dtype=np.float64)
        self.mean = np.asarray(mean, dtype=np.float64)
        self.se = np.asarray(se, dtype=np.float64)
        self.alpha_min, self.alpha_1se = alpha_min, alpha_1se
        self.n_nonzero = n_nonzero
        self.ylabel = ylabel

    @classmethod
    def from_estimator(cls, estimator, *, ax=None):
        """The chosen l1_ratio's CV curve of a fitted penalized CV estimator, plotted."""
        from .model_selection import chosen_cv_curve, cv_criterion

        alphas, mean, se, nnz = chosen_cv_curve(estimator)
        ylabel = f"mean CV {cv_criterion(estimator)}"
        return cls(alphas, mean, se, alpha_min=estimator.alpha_min_,
                   alpha_1se=estimator.alpha_1se_, n_nonzero=nnz, ylabel=ylabel).plot(ax=ax)

    def plot(self, ax=None):
        plt = _pyplot()
        if ax is None:
            _, ax = plt.subplots(figsize=(7.5, 4.5))
        x, mean, se = np.log10(self.alphas), self.mean, self.se
        ax.fill_between(x, mean - se, mean + se, color="tab:red", alpha=0.15, lw=0,
                        label="mean +/- 1 SE")
        (self.line_,) = ax.plot(x, mean, "o-", ms=2.5, lw=1, color="tab:red",
                                label="mean over folds")
        ax.axvline(np.log10(self.alpha_min), ls="--", color="k", lw=1,
                   label=f"alpha_min_ = {self.alpha_min:.3g}")
        ax.axvline(np.log10(self.alpha_1se), ls=":", color="k", lw=1,
                   label=f"alpha_1se_ = {self.alpha_1se:.3g}")
        ax.set_xlim(x.max(), x.min())
        ax.set_xlabel("log10(alpha)")
        ax.set_ylabel(self.ylabel)
        ax.legend(loc="best", fontsize=8, frameon=False)
        if self.n_nonzero is not None:
            _nonzero_axis(ax, x, self.n_nonzero)
        self.ax_, self.figure_ = ax, ax.figure
        return self


def cv(model, *, ax=None):
    """Mean cross-validation criterion +/- one standard error against log10(alpha).

    ``model`` is a fitted :class:`penalized.LassoCV`, :class:`~penalized.ElasticNetCV`,
    :class:`~penalized.LogisticRegressionCV` (the chosen l1_ratio is drawn),
    :class:`~penalized.PoissonRegressionCV`, :class:`~penalized.GammaRegressionCV` or
    :class:`~penalized.RidgeCV`: the mean squared error, the held-out deviance, or the
    score when it was fitted with ``scoring``.  Vertical lines mark ``alpha_min_`` and
    ``alpha_1se_``; the top axis shows the mean number of non-zero
    coefficients (not for Ridge).  Returns the Axes (a :class:`CVDisplay`'s ``ax_``).
    """
    return CVDisplay.from_estimator(model, ax=ax).ax_
