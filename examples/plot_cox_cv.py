"""
Cox regression with a cross-validated L1 penalty: serum free light chains and mortality
=======================================================================================

The free light chain study (Dispenzieri et al. 2012, Mayo Clinic Proceedings 87:517-523;
Kyle et al. 2006): 7,874 residents of Olmsted County, Minnesota, aged 50 or more, whose
serum kappa and lambda free light chains were measured, followed for death.  The data
are scikit-survival's copy (``sksurv.datasets.load_flchain``), read at run time from
the installed package: penalized does not bundle it (no licence of its own is stated for
it, and scikit-survival is GPL-licensed), so this example needs ``pip install
scikit-survival``.

:class:`penalized.CoxRegressionCV` chooses alpha by the cross-validated partial
likelihood deviance of Verweij and van Houwelingen (glmnet's ``cv.glmnet(family="cox")``
default) on one grid from alpha_max; every fit on the way is certified by a duality
gap.  The objective, with Breslow's handling of tied death times::

    1/n sum_{i: death} [log sum_{j: t_j >= t_i} exp(x_j w) - x_i w] + alpha sum_j sd_j |w_j|

(``standardize=True``: the penalty on a common scale, sd_j the standard deviation of
column j; the coefficients stay on the original scale).
"""

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.model_selection import KFold, train_test_split
from sksurv.datasets import load_flchain

import penalized
import penalized.plot

data, y = load_flchain()
# ``chapter`` is the cause of death (known only after it) and ``sample.yr`` the calendar
# year of the blood sample (the study's schedule): not covariates.  Creatinine is
# missing for 1,350 people: their rows are left out.  ``flc.grp`` (the decile of kappa +
# lambda) enters as indicators against the first decile.
data = data.drop(columns=["chapter", "sample.yr"])
keep = data["creatinine"].notna().to_numpy()
data, y = data[keep], y[keep]
frame = pd.get_dummies(data, columns=["flc.grp", "sex", "mgus"], drop_first=True, dtype=float)
names = list(frame.columns)
X = frame.to_numpy()
# y is a structured array (death, futime) as scikit-survival makes it; penalized takes
# it as it is (or an (n, 2) array of time, event columns)
print(f"{X.shape[0]} people, {X.shape[1]} covariates, {int(y['death'].sum())} deaths; "
      f"follow-up up to {y['futime'].max() / 365.25:.1f} years")
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.25, random_state=0)

# %%
# The cross-validated L1 Cox model
# --------------------------------

folds = KFold(5, shuffle=True, random_state=0)
cox = penalized.CoxRegressionCV(cv=folds, alphas=50, standardize=True,
                                tol=1e-8).fit(X_train, y_train)
c_test = cox.score(X_test, y_test)          # Harrell's concordance index
print(f"alpha_min = {cox.alpha_min_:.3g}, alpha_1se = {cox.alpha_1se_:.3g}; "
      f"{np.count_nonzero(cox.coef_)} of {X.shape[1]} covariates at alpha_min, "
      f"certified gap {cox.dual_gap_:.1e}")
print(f"held-out concordance (C-index) {c_test:.4f}")
for j in np.argsort(-np.abs(cox.coef_)):
    if cox.coef_[j] != 0:
        print(f"  {names[j]:14s} {cox.coef_[j]:+.4f}  (hazard ratio "
              f"x{np.exp(cox.coef_[j]):.3f} per unit)")

ax = penalized.plot.cv(cox)
ax.set_title("CoxRegressionCV on the free light chain study")
plt.show()

# %%
# The one-standard-error model
# ----------------------------
# The largest alpha whose deviance is within one standard error of the minimum: fewer
# covariates, about the same concordance.

cox_1se = penalized.CoxRegression("l1", alpha=cox.alpha_1se_, standardize=True,
                                  tol=1e-8).fit(X_train, y_train)
c_test_1se = cox_1se.score(X_test, y_test)
print(f"alpha_1se: {np.count_nonzero(cox_1se.coef_)} covariates "
      f"({', '.join(names[j] for j in np.flatnonzero(cox_1se.coef_))}), "
      f"held-out C-index {c_test_1se:.4f}")

# %%
# The path, the covariates labelled
# ---------------------------------

ax = penalized.plot.path(cox, feature_names=names, n_labels=8)
ax.set_title("L1 Cox path (standardized penalty), free light chains")
plt.show()

# %%
# Survival curves of two people
# -----------------------------
# Breslow's baseline hazard turns the linear predictor into survival functions.

risk = cox.predict(X_test)                  # the linear predictor X w: log relative hazard
people = {"lowest": int(np.argmin(risk)), "median": int(np.argsort(risk)[risk.size // 2]),
          "highest": int(np.argmax(risk))}
times = np.linspace(0, 5000, 300)
S = cox.predict_survival_function(X_test[list(people.values())], times=times)
fig, ax = plt.subplots()
for (label, i), s_k in zip(people.items(), S):
    sex = "man" if X_test[i, names.index("sex_M")] == 1 else "woman"
    ax.step(times / 365.25, s_k, where="post",
            label=f"{label} risk score of the test set: {sex}, age "
                  f"{X_test[i, names.index('age')]:.0f}")
ax.set_xlabel("years since the blood sample")
ax.set_ylabel("predicted survival probability")
ax.set_ylim(0, 1.02)
ax.legend(loc="lower left")
ax.set_title("Predicted survival (alpha_min model, Breslow baseline)")
plt.show()
