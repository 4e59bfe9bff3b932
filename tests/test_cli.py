"""``python -m penalized fit``: data files in, chosen alpha and CV table out; clean errors."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest
import scipy.sparse as sp

import penalized
from penalized._cli import main
from conftest import make_regression


def _write_csv(path, X, y, names, target="y", delimiter=","):
    with open(path, "w") as f:
        f.write(delimiter.join(list(names) + [target]) + "\n")
        for row, t in zip(X, y):
            f.write(delimiter.join([repr(float(v)) for v in row] + [str(t)]) + "\n")


def test_fit_csv_lasso_matches_estimator_and_writes_json(tmp_path, capsys):
    X, y = make_regression(n=60, p=8, seed=0)
    names = [f"gene_{j}" for j in range(8)]
    path = tmp_path / "data.csv"
    _write_csv(path, X, y, names, target="response")
    out = tmp_path / "result.json"
    assert main(["fit", str(path), "--model", "lasso", "--cv", "4", "--target", "response",
                 "--n-alphas", "20", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    ref = penalized.LassoCV(cv=4, alphas=20).fit(X, y)
    # 4 folds from an int: KFold(4) without shuffling, as the estimator does itself
    assert f"chosen alpha = {ref.alpha_:.6g}" in text
    assert "selected features" in text and "gene_" in text and "MSE" in text
    result = json.loads(out.read_text())
    assert result["alpha"] == pytest.approx(ref.alpha_)
    assert result["alpha_1se"] == pytest.approx(ref.alpha_1se_)
    np.testing.assert_allclose(result["cv_table"]["mean"], ref.cv_mean_)
    chosen = {d["name"] for d in result["selected_features"]}
    assert chosen == {names[j] for j in np.flatnonzero(ref.coef_)}
    assert result["n_samples"] == 60 and result["n_features"] == 8


def test_fit_ridge_matches_estimator(tmp_path, capsys):
    X, y = make_regression(n=50, p=6, seed=3)
    path = tmp_path / "data.npz"
    np.savez(path, X=X, y=y)
    out = tmp_path / "ridge.json"
    assert main(["fit", str(path), "--model", "ridge", "--cv", "5", "--n-alphas", "30",
                 "--out", str(out)]) == 0
    text = capsys.readouterr().out
    ref = penalized.RidgeCV(cv=5, n_alphas=30).fit(X, y)
    assert f"chosen alpha = {ref.alpha_:.6g}" in text and "MSE" in text
    result = json.loads(out.read_text())
    np.testing.assert_allclose(result["cv_table"]["mean"], ref.cv_mean_)
    assert result["cv_table"]["n_nonzero"][0] == 6
    assert len(result["selected_features"]) == 6      # ridge keeps every feature


def test_fit_tsv_logistic_text_labels_and_npz_layouts(tmp_path, capsys):
    rng = np.random.default_rng(1)
    X = rng.standard_normal((80, 6))
    labels = np.where(X[:, 0] + 0.3 * rng.standard_normal(80) > 0, "AML", "ALL")
    path = tmp_path / "d.tsv"
    _write_csv(path, X, labels, [f"f{j}" for j in range(6)], delimiter="\t")
    assert main(["fit", str(path), "--model", "logistic", "--cv", "3", "--n-alphas", "10",
                 "--alpha-selection", "1se"]) == 0
    text = capsys.readouterr().out
    ref = penalized.LogisticRegressionCV("l1", cv=3, alphas=10, alpha_selection="1se").fit(
        X, labels)
    assert f"chosen alpha = {ref.alpha_:.6g} (1se)" in text and "neg_log_loss" in text

    Xs = sp.random(50, 30, density=0.3, format="csr", random_state=2)
    ys = np.asarray(Xs @ np.r_[np.ones(3), np.zeros(27)]).ravel() + 0.01 * np.arange(50)
    npz = tmp_path / "sparse.npz"
    np.savez(npz, format=b"csr", shape=Xs.shape, data=Xs.data, indices=Xs.indices,
             indptr=Xs.indptr, y=ys)
    out = tmp_path / "r.json"
    assert main(["fit", str(npz), "--model", "enet", "--cv", "3", "--n-alphas", "10",
                 "--l1-ratio", "0.5,0.9", "--out", str(out)]) == 0
    ref = penalized.ElasticNetCV(l1_ratio=[0.5, 0.9], cv=3, alphas=10).fit(Xs, ys)
    result = json.loads(out.read_text())
    assert result["alpha"] == pytest.approx(ref.alpha_)
    assert result["l1_ratio"] == ref.l1_ratio_
    dense = tmp_path / "dense.npz"
    np.savez(dense, X=Xs.toarray(), y=ys, feature_names=np.array([f"c{j}" for j in range(30)]))
    assert main(["fit", str(dense), "--model", "enet", "--cv", "3", "--n-alphas", "10",
                 "--l1-ratio", "0.5,0.9", "--out", str(out)]) == 0
    again = json.loads(out.read_text())
    assert again["alpha"] == pytest.approx(result["alpha"])
    assert all(d["name"].startswith("c") for d in again["selected_features"])


@pytest.mark.parametrize("case, message", [
    ("missing", "data file not found"),
    ("target", "target column 'nope' not found"),
    ("text", "line 3, column 'b': text 'abc' where a number is expected"),
    ("empty", "line 2, column 'a': an empty cell"),
    ("extension", "unknown file extension '.xlsx'"),
    ("npz_no_y", "no 'y' array"),
    ("fields", "line 3: 2 fields, the header has 3"),
    ("out", "the folder does not exist"),
    ("labels", "fit failed: Unknown label type"),
])
def test_fit_bad_files_give_one_line_errors(tmp_path, capsys, case, message):
    path = tmp_path / "bad.csv"
    args = []
    if case == "missing":
        path = tmp_path / "absent.csv"
    elif case == "target":
        path.write_text("a,b,y\n1,2,3\n4,5,6\n")
        args = ["--target", "nope"]
    elif case == "text":
        path.write_text("a,b,y\n1,2,3\n4,abc,6\n")
    elif case == "empty":
        path.write_text("a,b,y\n,2,3\n4,5,6\n")
    elif case == "extension":
        path = tmp_path / "data.xlsx"
        path.write_text("x")
    elif case == "npz_no_y":
        path = tmp_path / "d.npz"
        np.savez(path, X=np.ones((3, 2)))
    elif case == "fields":
        path.write_text("a,b,y\n1,2,3\n4,5\n")
    elif case == "out":
        path.write_text("a,b,y\n1,2,3\n4,5,6\n")
        args = ["--out", str(tmp_path / "no" / "such" / "r.json")]
    elif case == "labels":   # a continuous target for a classifier
        path.write_text("a,y\n" + "".join(f"{i},{i * 0.37}\n" for i in range(20)))
        args = ["--model", "logistic", "--cv", "2"]
    assert main(["fit", str(path)] + args) == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert message in err and len(err.splitlines()) == 1 and "Traceback" not in err
    assert err.startswith("python -m penalized fit: error:")


def _npz_case(path, case):
    rng = np.random.default_rng(0)
    X = rng.standard_normal((30, 4))
    y = X[:, 0] + rng.standard_normal(30)
    S = sp.csr_matrix(X * (np.abs(X) > 0.5))
    sparse = dict(format=b"csr", shape=S.shape, data=S.data, indices=S.indices,
                  indptr=S.indptr, y=y)
    if case == "object":
        np.savez(path, X=X.astype(object), y=y)
    elif case == "names":
        np.savez(path, X=X, y=y, feature_names=np.array(["a", "b"]))
    elif case == "huge":
        np.savez(path, X=X * 1e200, y=y * 1e200)
    elif case == "sparse_indices":
        np.savez(path, **dict(sparse, indices=S.indices + 100))
    elif case == "sparse_layout":
        np.savez(path, **dict(sparse, data=S.data[:5]))
    elif case == "sparse_format":
        np.savez(path, **dict(sparse, format=b"xyz"))
    elif case == "truncated":
        np.savez(path, X=X, y=y)
        path.write_bytes(path.read_bytes()[:300])
    elif case == "empty_file":
        path.write_bytes(b"")


@pytest.mark.parametrize("case, message", [
    ("object", "object arrays are not accepted"),
    ("names", "feature_names has shape (2,), expected (4,)"),
    ("huge", "fit failed: X: values too large to square"),
    ("sparse_indices", "fit failed: X: sparse indices must lie in"),
    ("sparse_layout", "not a valid sparse matrix"),
    ("sparse_format", "not a valid sparse matrix"),
    ("truncated", "not a readable .npz file"),
    ("empty_file", "not a readable .npz file"),
    ("empty_label", "line 5, column 'y': an empty cell where a class label is expected"),
])
def test_fit_hostile_files_give_one_line_errors(tmp_path, capsys, case, message):
    """Each of these ended in a traceback (exit code 1) or a multi-line message."""
    path = tmp_path / "bad.npz"
    args = []
    if case == "empty_label":
        path = tmp_path / "bad.csv"
        path.write_text("a,b,y\n" + "".join(
            f"{i},{i * 2},{'' if i == 3 else i % 2}\n" for i in range(20)))
        args = ["--model", "logistic", "--cv", "2"]
    else:
        _npz_case(path, case)
    assert main(["fit", str(path), "--n-alphas", "5", "--cv", "3"] + args) == 2
    err = capsys.readouterr().err.strip()
    assert message in err, err
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert err.startswith("python -m penalized fit: error:")


def test_fit_through_a_subprocess(tmp_path):
    X, y = make_regression(n=40, p=5, seed=3)
    path = tmp_path / "data.csv"
    _write_csv(path, X, y, list("abcde"))
    src = os.path.dirname(os.path.dirname(penalized.__file__))
    env = dict(os.environ, PYTHONPATH=src + os.pathsep + os.environ.get("PYTHONPATH", ""))
    ok = subprocess.run([sys.executable, "-m", "penalized", "fit", str(path), "--cv", "3",
                         "--n-alphas", "10"], capture_output=True, text=True, env=env,
                        timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert "chosen alpha" in ok.stdout and "alpha_1se" in ok.stdout
    bad = subprocess.run([sys.executable, "-m", "penalized", "fit", str(tmp_path / "x.csv")],
                         capture_output=True, text=True, env=env, timeout=120)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "data file not found" in bad.stderr


@pytest.mark.parametrize("family", ["poisson", "gamma"])
def test_fit_log_link_models_match_estimator(tmp_path, capsys, family):
    rng = np.random.default_rng(11)
    X = rng.standard_normal((80, 6))
    mu = np.exp(0.4 * X[:, 0] - 0.3 * X[:, 2])
    y = rng.poisson(mu).astype(float) if family == "poisson" else rng.gamma(2.0, mu / 2.0)
    path = tmp_path / "counts.csv"
    _write_csv(path, X, y, [f"x{j}" for j in range(6)])
    out = tmp_path / "r.json"
    assert main(["fit", str(path), "--model", family, "--cv", "3", "--n-alphas", "15",
                 "--out", str(out)]) == 0
    text = capsys.readouterr().out
    cls = penalized.PoissonRegressionCV if family == "poisson" else penalized.GammaRegressionCV
    ref = cls("l1", cv=3, alphas=15).fit(X, y)
    assert f"chosen alpha = {ref.alpha_:.6g}" in text and "deviance" in text
    result = json.loads(out.read_text())
    np.testing.assert_allclose(result["cv_table"]["mean"], ref.cv_mean_)
    # an invalid response is a one-line error, exit code 2
    bad = tmp_path / "bad.csv"
    _write_csv(bad, X, -np.abs(y) - 1.0, [f"x{j}" for j in range(6)])
    assert main(["fit", str(bad), "--model", family, "--cv", "3"]) == 2
    assert "error" in capsys.readouterr().err


def test_fit_cox_matches_estimator(tmp_path, capsys):
    rng = np.random.default_rng(13)
    X = rng.standard_normal((90, 5))
    time = rng.exponential(np.exp(-(X[:, 0] - 0.6 * X[:, 2])))
    event = (rng.random(90) < 0.7).astype(int)
    path = tmp_path / "surv.csv"
    with open(path, "w") as f:
        f.write(",".join([f"x{j}" for j in range(5)] + ["time", "status"]) + "\n")
        for row, t, e in zip(X, time, event):
            f.write(",".join([repr(float(v)) for v in row] + [repr(float(t)), str(e)]) + "\n")
    out = tmp_path / "cox.json"
    assert main(["fit", str(path), "--model", "cox", "--cv", "3", "--n-alphas", "10",
                 "--out", str(out)]) == 0
    text = capsys.readouterr().out
    ref = penalized.CoxRegressionCV(cv=3, alphas=10).fit(X, np.column_stack([time, event]))
    assert f"chosen alpha = {ref.alpha_:.6g}" in text and "partial-likelihood" in text
    np.testing.assert_allclose(json.loads(out.read_text())["cv_table"]["mean"], ref.cv_mean_)
    # explicit columns, in either order of the file; a wrong count is a clean error
    assert main(["fit", str(path), "--model", "cox", "--cv", "3", "--n-alphas", "10",
                 "--target", "time,status"]) == 0
    capsys.readouterr()
    assert main(["fit", str(path), "--model", "cox", "--target", "time"]) == 2
    assert "2 comma-separated" in capsys.readouterr().err
