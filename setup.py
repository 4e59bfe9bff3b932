"""Build script: declares the Cython extension; metadata lives in pyproject.toml.

The C kernels live in csrc/ (header-only); the build also installs them as
penalized/include/ so that other extensions can ``cimport penalized.core``
(``penalized.get_include()`` points there).

Set PENALIZED_SANITIZE=1 to build with AddressSanitizer/UBSan, and
PENALIZED_DEBUG=1 for bounds-checked Cython with -O0 -g.
"""
import glob
import os
import shutil
import sys

import numpy as np
from Cython.Build import cythonize
from setuptools import Extension, setup
from setuptools.command.build_py import build_py

debug = os.environ.get("PENALIZED_DEBUG") == "1"
sanitize = os.environ.get("PENALIZED_SANITIZE") == "1"

if sys.platform == "win32":      # MSVC (cibuildwheel's Windows wheels); no sanitizer builds there
    compile_args = ["/Od", "/Zi"] if debug else ["/O2"]
else:
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
        include_dirs=[np.get_include(), "csrc"],
        define_macros=[("NPY_NO_DEPRECATED_API", "NPY_1_9_API_VERSION")],
        extra_compile_args=compile_args,
        extra_link_args=link_args,
    ),
]



class BuildPyWithHeaders(build_py):
    """build_py that also copies csrc/*.h into the package's include/ folder."""

    def run(self):
        super().run()
        target = os.path.join(self.build_lib, "penalized", "include")
        os.makedirs(target, exist_ok=True)
        for header in glob.glob(os.path.join("csrc", "*.h")):
            shutil.copy(header, target)


setup(ext_modules=cythonize(extensions, compiler_directives=directives),
      cmdclass={"build_py": BuildPyWithHeaders})
