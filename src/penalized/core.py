"""Python side of ``penalized.core``: the objects a Cython caller of core.pxd needs.

``from penalized.core cimport ...`` (see ``core.pxd`` in this package) gives
the C-level API; from Python, build the :class:`Design` it works on here.
Compile such an extension with ``include_dirs=[penalized.get_include(),
numpy.get_include()]``.
"""

from ._core import Design

__all__ = ["Design"]
