"""
L1 logistic regression on movie reviews: the words it selects
=============================================================

5000 IMDB movie reviews (Maas et al. 2011, the sample shipped with the R package text2vec),
half positive and half negative.  Each review becomes a tf-idf vector over its words
(scikit-learn's :class:`~sklearn.feature_extraction.text.TfidfVectorizer`); an L1-penalised
logistic regression, :class:`penalized.LogisticRegressionCV` with ``penalty='l1'``, picks
its strength by 5-fold CV on 70% of the reviews and is scored on the other 30%.  The L1
penalty keeps a few hundred of the ~14,000 words, and the largest coefficients name the
vocabulary of praise and of complaint.

The reviews are not bundled with penalized (their licence is text2vec's GPL): the example
reads ``imdb_movie_review_text.csv.xz`` from the directory in the environment variable
``PENALIZED_SHARED_DATA``, else from ``shared/data`` beside the source tree.  Without the
file, the documentation build leaves this example out and says so, and its test skips.
"""

import csv
import lzma
import os
import re
import textwrap
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import train_test_split

import penalized
import penalized.plot


def find_reviews():
    """Path of the reviews file, or None."""
    # the examples folder: sphinx-gallery runs an example there, without __file__
    here = Path(__file__).parent if "__file__" in globals() else Path.cwd()
    default = here.resolve().parents[1] / "shared" / "data"
    folder = os.environ.get("PENALIZED_SHARED_DATA", default)
    path = Path(folder) / "imdb_movie_review_text.csv.xz"
    return path if path.exists() else None


path = find_reviews()
if path is None:
    raise FileNotFoundError("imdb_movie_review_text.csv.xz not found: set "
                            "PENALIZED_SHARED_DATA to the folder that holds it")
with lzma.open(path, "rt", encoding="utf-8", newline="") as f:
    rows = list(csv.DictReader(f))
# the reviews keep their HTML line breaks: drop them
texts = [re.sub(r"<br\s*/?>", " ", row["review"]) for row in rows]
y = np.array([int(row["sentiment"]) for row in rows])   # 1 positive, 0 negative
texts_train, texts_test, y_train, y_test = train_test_split(
    texts, y, test_size=0.3, random_state=0, stratify=y)

vectorizer = TfidfVectorizer(min_df=3, sublinear_tf=True)
X_train = vectorizer.fit_transform(texts_train)      # sparse CSR, 1% non-zero
X_test = vectorizer.transform(texts_test)
words = vectorizer.get_feature_names_out()
print(f"{X_train.shape[0]} training reviews, {X_test.shape[0]} test reviews, "
      f"{X_train.shape[1]} words, {X_train.nnz} non-zeros")

# %%
# Cross-validated L1 logistic regression
# --------------------------------------
# The objective is :math:`\frac1n\sum_i \log(1 + e^{-y_i (x_i^T w + b)}) + \alpha\|w\|_1`
# (:math:`y_i = \pm1`); 30 alphas from :math:`\alpha_{\max}` (no word selected) down to
# :math:`\alpha_{\max}/100`, 5 stratified folds, every fit certified to ``tol``.  The
# refit at ``alpha_min_`` (best mean CV log-loss) is the model; the one-standard-error
# choice ``alpha_1se_`` is refitted for comparison.

model = penalized.LogisticRegressionCV(penalty="l1", alphas=30, eps=1e-2, cv=5)
model.fit(X_train, y_train)
sparse_model = penalized.LogisticRegression(penalty="l1", alpha=model.alpha_1se_)
sparse_model.fit(X_train, y_train)

results = {}
for name, m in [("alpha_min", model), ("alpha_1se", sparse_model)]:
    accuracy = float(np.mean(m.predict(X_test) == y_test))
    results[name] = (accuracy, int(np.count_nonzero(m.coef_)))
    print(f"{name}: test accuracy {accuracy:.3f} with {results[name][1]} words")

ax = penalized.plot.cv(model)
ax.set_title("LogisticRegressionCV (L1) on IMDB reviews")
plt.show()

# %%
# The selected words
# ------------------
# The 15 largest positive and negative coefficients of the ``alpha_min`` model.  The
# features are tf-idf weights of rows scaled to unit norm, so a coefficient is the change
# in log-odds when a word makes up a review's whole (normalised) weight; what matters is
# the sign and the order.

coef = model.coef_.ravel()
order = np.argsort(coef)
top_negative = [(words[j], coef[j]) for j in order[:15]]
top_positive = [(words[j], coef[j]) for j in order[::-1][:15]]
for name, top in [("positive", top_positive), ("negative", top_negative)]:
    print(textwrap.fill(f"{name}: " + ", ".join(w for w, _ in top), width=72,
                        subsequent_indent="    "))

# sphinx_gallery_thumbnail_number = 2
shown = top_negative[::-1] + top_positive[::-1]
fig, ax = plt.subplots(figsize=(6.4, 7.0))
ax.barh(np.arange(len(shown)), [c for _, c in shown],
        color=["tab:red" if c < 0 else "tab:blue" for _, c in shown])
ax.set_yticks(np.arange(len(shown)), [w for w, _ in shown])
ax.axvline(0.0, color="k", lw=0.8)
ax.set_xlabel("coefficient (log-odds of a positive review)")
ax.set_title(f"Top words among the {results['alpha_min'][1]} selected "
             f"(test accuracy {results['alpha_min'][0]:.1%})")
plt.show()
