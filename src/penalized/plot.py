"""Plots of regularization paths and cross-validation curves (matplotlib, imported lazily)."""

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


def path(alphas, coefs, *, ax=None, n_labels=5, feature_names=None):
    """Coefficients against log10(alpha), the top features labelled.

    ``alphas`` (n_alphas,) and ``coefs`` (n_features, n_alphas) as returned by
    :func:`penalized.lasso_path`.  The top axis shows the number of non-zero
    coefficients.  Returns the matplotlib Axes.
    """
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4.5))
    alphas = np.asarray(alphas)
    coefs = np.asarray(coefs)
    active = np.flatnonzero(np.any(coefs != 0, axis=1))
    x = np.log10(alphas)
    for j in active:
        ax.plot(x, coefs[j], lw=1)
    top = active[np.argsort(-np.abs(coefs[active, -1]))][:n_labels]
    for j in top:
        name = feature_names[j] if feature_names is not None else f"x{j}"
        ax.annotate(str(name), (x[-1], coefs[j, -1]), fontsize=8, xytext=(3, 0),
                    textcoords="offset points")
    ax.invert_xaxis()
    ax.set_xlabel("log10(alpha)")
    ax.set_ylabel("coefficient")
    ax.axhline(0, color="k", lw=0.5)
    nnz = np.count_nonzero(coefs, axis=0)
    top_ax = ax.secondary_xaxis("top")
    ticks = np.linspace(0, len(x) - 1, min(6, len(x))).astype(int)
    top_ax.set_xticks(x[ticks])
    top_ax.set_xticklabels([str(v) for v in nnz[ticks]])
    top_ax.set_xlabel("non-zero coefficients")
    return ax


def cv(model, *, ax=None):
    """Mean cross-validation error +/- one standard error against log10(alpha).

    ``model`` is a fitted :class:`penalized.LassoCV` or
    :class:`penalized.ElasticNetCV` (the chosen l1_ratio is drawn); vertical
    lines mark ``alpha_min_`` and ``alpha_1se_``.  Returns the Axes.
    """
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4.5))
    alphas, mean, se = model.alphas_, model.cv_mean_, model.cv_se_
    if np.ndim(alphas) == 2:
        i = int(np.flatnonzero(np.atleast_1d(model.l1_ratio) == model.l1_ratio_)[0])
        alphas, mean, se = alphas[i], mean[i], se[i]
    x = np.log10(alphas)
    ax.errorbar(x, mean, yerr=se, fmt="o", ms=3, color="tab:red", ecolor="0.6", lw=1)
    ax.axvline(np.log10(model.alpha_min_), ls="--", color="k", lw=1, label="alpha_min_")
    ax.axvline(np.log10(model.alpha_1se_), ls=":", color="k", lw=1, label="alpha_1se_")
    ax.invert_xaxis()
    ax.set_xlabel("log10(alpha)")
    ax.set_ylabel("mean CV error (MSE)")
    ax.legend(loc="best", fontsize=8)
    return ax
