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
