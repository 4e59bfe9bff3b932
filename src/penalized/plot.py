"""Plots of regularization paths and cross-validation curves (matplotlib, imported lazily).

Both functions return the matplotlib Axes; ``ax.figure.savefig("file.png")``
writes them.  Install the optional extra: ``pip install 'penalized[plot]'``.
"""

import numpy as np


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


def path(model_or_result, coefs=None, *, X=None, y=None, ax=None, n_labels=5,
         feature_names=None, mark=None):
    """Coefficients against log10(alpha), the top features labelled.

    ``model_or_result`` is one of

    - the alphas (n_alphas,), with ``coefs`` (n_features, n_alphas);
    - the tuple returned by :func:`penalized.lasso_path`, :func:`~penalized.enet_path`
      or :func:`~penalized.logistic_path` (alphas first, coefficients second);
    - a fitted CV estimator, with the ``X`` and ``y`` it was fitted on: its
      path at the chosen l1_ratio is recomputed on its alpha grid (at
      tol <= 1e-8, so that the curves are smooth).

    The top axis shows the number of non-zero coefficients; the labels name the
    ``n_labels`` largest coefficients at the smallest alpha.  ``mark`` (a
    fitted CV estimator; by default the one passed) draws its alpha_min_ and
    alpha_1se_ as vertical lines.  Returns the matplotlib Axes.
    """
    if hasattr(model_or_result, "alphas_"):
        mark = model_or_result if mark is None else mark
        alphas, coefs = _path_of(model_or_result, X, y)
    elif coefs is None:
        alphas, coefs = model_or_result[0], model_or_result[1]
    else:
        alphas = model_or_result
    alphas = np.asarray(alphas, dtype=np.float64)
    coefs = np.asarray(coefs)
    if coefs.ndim != 2 or coefs.shape[1] != alphas.size:
        raise ValueError(f"coefs must have shape (n_features, {alphas.size}), "
                         f"got {coefs.shape}.")
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 4.5))
    x = np.log10(alphas)
    active = np.flatnonzero(np.any(coefs != 0, axis=1))
    top = active[np.argsort(-np.abs(coefs[active, -1]))][:n_labels]
    colors = dict(zip(top, plt.rcParams["axes.prop_cycle"].by_key()["color"]))
    for j in active:
        if j in colors:
            ax.plot(x, coefs[j], lw=1.6, color=colors[j], zorder=3)
        else:
            ax.plot(x, coefs[j], lw=0.7, color="0.65", zorder=2)
    for j in top:
        name = feature_names[j] if feature_names is not None else f"x{j}"
        ax.plot([], [], color=colors[j], lw=1.6, label=str(name))
    if mark is not None:
        ax.axvline(np.log10(mark.alpha_min_), ls="--", color="k", lw=1, label="alpha_min_")
        ax.axvline(np.log10(mark.alpha_1se_), ls=":", color="k", lw=1, label="alpha_1se_")
    if len(top) or mark is not None:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    ax.set_xlim(x.max(), x.min())   # strong regularisation on the left
    ax.set_xlabel("log10(alpha)")
    ax.set_ylabel("coefficient")
    ax.axhline(0, color="k", lw=0.5)
    _nonzero_axis(ax, x, np.count_nonzero(coefs, axis=0))
    return ax


def _nonzero_axis(ax, x, nnz):
    """Top axis: the number of non-zero coefficients at a few grid points."""
    top_ax = ax.secondary_xaxis("top")
    ticks = np.unique(np.linspace(0, len(x) - 1, min(6, len(x))).astype(int))
    top_ax.set_xticks(x[ticks])
    top_ax.set_xticklabels([f"{v:.0f}" for v in nnz[ticks]])
    top_ax.set_xlabel("non-zero coefficients")


def cv(model, *, ax=None):
    """Mean cross-validation criterion +/- one standard error against log10(alpha).

    ``model`` is a fitted :class:`penalized.LassoCV`, :class:`~penalized.ElasticNetCV`,
    :class:`~penalized.LogisticRegressionCV` (the chosen l1_ratio is drawn) or
    :class:`~penalized.RidgeCV`: the mean squared error, or the score when it
    was fitted with ``scoring``.  Vertical lines mark ``alpha_min_`` and
    ``alpha_1se_``; the top axis shows the mean number of non-zero
    coefficients (not for Ridge).  Returns the Axes.
    """
    from .model_selection import chosen_cv_curve

    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 4.5))
    alphas, mean, se, nnz = chosen_cv_curve(model)
    x = np.log10(alphas)
    ax.fill_between(x, mean - se, mean + se, color="tab:red", alpha=0.15, lw=0,
                    label="mean +/- 1 SE")
    ax.plot(x, mean, "o-", ms=2.5, lw=1, color="tab:red", label="mean over folds")
    ax.axvline(np.log10(model.alpha_min_), ls="--", color="k", lw=1,
               label=f"alpha_min_ = {model.alpha_min_:.3g}")
    ax.axvline(np.log10(model.alpha_1se_), ls=":", color="k", lw=1,
               label=f"alpha_1se_ = {model.alpha_1se_:.3g}")
    ax.set_xlim(x.max(), x.min())
    ax.set_xlabel("log10(alpha)")
    if hasattr(model, "mse_path_"):
        ax.set_ylabel("mean CV error (MSE)")
    else:
        scoring = getattr(model, "scoring", None) or "neg_log_loss"
        name = scoring if isinstance(scoring, str) else "score"
        ax.set_ylabel(f"mean CV score ({name}, higher is better)")
    ax.legend(loc="best", fontsize=8, frameon=False)
    if nnz is not None:
        _nonzero_axis(ax, x, nnz)
    return ax
