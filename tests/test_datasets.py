"""The bundled datasets load with the documented shapes, types and ranges."""
import numpy as np

from penalized import datasets


def test_bundled_datasets():
    X, y, is_test = datasets.load_leukemia()
    assert X.shape == (72, 7129) and set(np.unique(y)) == {-1.0, 1.0} and is_test.sum() == 34
    X, y, names = datasets.load_randhie()
    assert X.shape == (20190, 9) and len(names) == 9 and names[0] == "lncoins"
    assert y.dtype == np.float64 and y.min() == 0 and np.all(y == np.round(y))
    X, y, names = datasets.load_statecrime()
    assert X.shape == (51, 5) and names == ["hs_grad", "poverty", "single", "white", "urban"]
    assert np.all(y > 0) and len(datasets.state_names()) == 51
    assert np.all(np.isfinite(X))
