"""Image scraper of the gallery (a module of its own: Sphinx pickles its configuration)."""

from sphinx_gallery.scrapers import matplotlib_scraper


class TightScraper:
    """matplotlib's scraper saving with bbox_inches="tight": legends placed outside the
    axes (penalized.plot.path) and titles above a secondary top axis stay in the image."""

    def __repr__(self):             # a stable repr keeps Sphinx's environment cache valid
        return "TightScraper"

    def __call__(self, block, block_vars, gallery_conf, **kwargs):
        return matplotlib_scraper(block, block_vars, gallery_conf, bbox_inches="tight",
                                  **kwargs)


class ExampleOrder:
    """Gallery order: the field's results on real and simulated data first, the recipes
    last (sphinx-gallery calls it with each example's file name)."""

    ORDER = ["plot_leukemia_path_cv.py", "plot_imdb_l1_logistic.py", "plot_ng2004_l1_vs_l2.py",
             "plot_sparse_recovery.py",
             "plot_relaxed_lasso.py", "plot_benchmark_paths.py", "plot_dask_tall_lasso.py",
             "plot_extending_penalized.py", "adaptive_lasso.py", "backend_estimator.py"]

    def __init__(self, src_dir=None):
        self.src_dir = src_dir

    def __repr__(self):
        return "ExampleOrder"

    def __call__(self, filename):
        name = filename.rsplit("/", 1)[-1]
        return (self.ORDER.index(name) if name in self.ORDER else len(self.ORDER), name)
