"""
L1 vs L2 logistic regression with irrelevant features (Ng 2004)
===============================================================

Ng (2004), "Feature selection, L1 vs. L2 regularization, and rotational invariance"
(ICML), shows that the number of training samples L1-regularized logistic regression needs
grows only **logarithmically** with the number of irrelevant features, while for L2 (and any
rotationally invariant method) it grows at least **linearly**.  His experiment: a fixed
training size, one or a few relevant features, and more and more irrelevant ones; the
regularization strength chosen on held-out data.

We re-run it in small: m = 100 training samples, a logistic model in the first 3 features
(the rest pure noise), up to 1000 features, the penalty chosen by 3-fold CV with
:class:`penalized.LogisticRegressionCV`, the error measured on 2000 fresh samples,
averaged over 3 repetitions.
"""

import matplotlib.pyplot as plt
import numpy as np

import penalized

m, n_test, n_reps = 100, 2000, 3
n_features_grid = [3, 10, 30, 100, 300, 1000]
beta_relevant = np.array([4.0, -4.0, 4.0])      # 3 relevant features, the rest irrelevant


def sample(rng, n, p):
    X = rng.standard_normal((n, p))
    prob = 1.0 / (1.0 + np.exp(-X[:, :3] @ beta_relevant))
    return X, np.where(rng.random(n) < prob, 1, -1)


def held_out_error(penalty, p, rng):
    X, y = sample(rng, m, p)
    X_test, y_test = sample(rng, n_test, p)
    model = penalized.LogisticRegressionCV(penalty, cv=3, alphas=20, eps=1e-3,
                                           tol=1e-4).fit(X, y)
    return np.mean(model.predict(X_test) != y_test)


errors = {"l1": [], "l2": []}
for p in n_features_grid:
    for penalty in errors:
        # the same data for both penalties: same seed per (p, repetition)
        errs = [held_out_error(penalty, p, np.random.default_rng(1000 * p + rep))
                for rep in range(n_reps)]
        errors[penalty].append(np.mean(errs))
    print(f"p = {p:5d}: test error L1 {errors['l1'][-1]:.3f}, L2 {errors['l2'][-1]:.3f}")

# %%
# Test error against the number of features
# -----------------------------------------
# The Bayes error of this model is the floor both curves start from.  L1 stays close to it
# as irrelevant features are added; L2 degrades steadily.

rng = np.random.default_rng(0)
Xb, _ = sample(rng, 200_000, 3)
eta = Xb @ beta_relevant
bayes = np.mean(1.0 / (1.0 + np.exp(np.abs(eta))))      # P(label disagrees with sign(eta))
print(f"Bayes error {bayes:.3f}")

fig, ax = plt.subplots(figsize=(6, 4))
ax.semilogx(n_features_grid, errors["l1"], "o-", label="L1 (penalty='l1')")
ax.semilogx(n_features_grid, errors["l2"], "s-", label="L2 (penalty='l2')")
ax.axhline(bayes, color="gray", ls=":", label="Bayes error")
ax.set_xlabel("number of features (3 relevant)")
ax.set_ylabel(f"test error (m = {m} training samples)")
ax.set_title("Ng (2004): L1 vs L2 logistic regression")
ax.legend()
plt.show()
