"""Build script: declares the Cython extension; metadata lives in pyproject.toml.

The C kernels live in csrc/ (header-only); the build also installs them as
penalized/include/ so that other extensions can ``cimport penalized.core``
(``penalized.get_include()`` points there).

Set PENALIZED_SANITIZE=1 to build with AddressSanitizer/UBSan, and
PENALIZED_DEBUG=1 for bounds-checked Cython with -O0 -g.

OpenMP (the threads of one fit's full passes over X, ``n_threads``): used when the
compiler builds and links a small OpenMP program with -fopenmp (gcc, clang with
libomp; /openmp for MSVC), else the extension is built without it and every fit runs
on one thread.  PENALIZED_OPENMP=0 builds without OpenMP on purpose.
"""
import glob
import os
import shutil
import sys
import tempfile

import numpy as np
from Cython.Build import cythonize
from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
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



OPENMP_PROBE = r"""
#include <omp.h>
int main(void) {
    int n = 0;
    #pragma omp parallel reduction(+:n)
    n += 1;
    return n > 0 && omp_get_max_threads() > 0 ? 0 : 1;
}
"""


def openmp_flags(compiler):
    """(compile flags, link flags) for OpenMP if ``compiler`` builds and links a small
    OpenMP program with them, else None."""
    if os.environ.get("PENALIZED_OPENMP") == "0":
        return None
    if compiler.compiler_type == "msvc":
        flags = (["/openmp"], [])
    else:
        flags = (["-fopenmp"], ["-fopenmp"])
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "omp_probe.c")
        with open(src, "w") as f:
            f.write(OPENMP_PROBE)
        try:
            objs = compiler.compile([src], output_dir=tmp, extra_postargs=flags[0])
            compiler.link_executable(objs, "omp_probe", output_dir=tmp,
                                     extra_postargs=flags[1])
        except Exception:          # any compile or link failure: build without OpenMP
            return None
    return flags


class BuildExtOpenMP(build_ext):
    """build_ext adding the OpenMP flags when the compiler supports them."""

    def build_extensions(self):
        flags = openmp_flags(self.compiler)
        if flags is None:
            print("penalized: building without OpenMP (fits run on one thread)")
        for ext in self.extensions:
            if flags is not None:
                ext.extra_compile_args = list(ext.extra_compile_args) + flags[0]
                ext.extra_link_args = list(ext.extra_link_args) + flags[1]
        super().build_extensions()


class BuildPyWithHeaders(build_py):
    """build_py that also copies csrc/*.h into the package's include/ folder."""

    def run(self):
        super().run()
        target = os.path.join(self.build_lib, "penalized", "include")
        os.makedirs(target, exist_ok=True)
        for header in glob.glob(os.path.join("csrc", "*.h")):
            shutil.copy(header, target)


setup(ext_modules=cythonize(extensions, compiler_directives=directives),
      cmdclass={"build_py": BuildPyWithHeaders, "build_ext": BuildExtOpenMP})
