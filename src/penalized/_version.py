"""The package version: the single source (pyproject.toml reads it through
setuptools' dynamic ``version = {attr = ...}``, ``penalized.__version__`` imports it).
Bump it here, and add the release's section to CHANGELOG.md."""

__version__ = "0.1.0.dev0"
