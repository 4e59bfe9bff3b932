"""Build script: declares the Cython extension; metadata lives in pyproject.toml.

Set PENALIZED_SANITIZE=1 to build with AddressSanitizer/UBSan, and
PENALIZED_DEBUG=1 for bounds-checked Cython with -O0 -g.
"""
import os

import numpy as np
from Cython.Build import cythonize
from setuptools import Extension, setup

debug = os.environ.get("PENALIZED_DEBUG") == "1"
sanitize = os.environ.get("PENALIZED_SANITIZE") == "1"

compile_args = ["-O0", "-g"] if (debug or sanitize) else ["-O3"]
link_args = []
if sanitize:
    compile_args += ["-fsanitize=address,undefined", "-fno-omit-frame-pointer"]
    link_args += ["-fsanitize=address,undefined"]

directives = {"language_level": "3", "embedsignature": True}
if debug:
    directives.update(boundscheck=True, wraparound=True, initializedcheck=True)

extensions = [
    Extension(
        "penalized._core",
        ["src/penalized/_core.pyx"],
        include_dirs=[np.get_include(), "src/penalized/include"],
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_9_API_VERSION")],
        extra_compile_args=compile_args,
        extra_link_args=link_args,
    ),
]

setup(ext_modules=cythonize(extensions, compiler_directives=directives))
