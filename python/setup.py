"""Build glue for the wheel: the version comes from Cargo.toml, and the wheel is tagged for the
platform of the bundled ``libopenclaw_client.so`` (``py3-none-<platform>``: ctypes works on any
Python 3, but the library is native code).

Set ``OPENCLAW_WHEEL_PLAT`` (e.g. ``musllinux_1_2_x86_64``) to name the platform explicitly.
"""

import os
import re

from setuptools import Distribution, setup

try:  # setuptools >= 70.1 ships bdist_wheel itself
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # pragma: no cover - older setuptools with the wheel package
    from wheel.bdist_wheel import bdist_wheel  # type: ignore[no-redef]

HERE = os.path.dirname(os.path.abspath(__file__))
LIB = os.path.join(HERE, "src", "openclaw_client", "libopenclaw_client.so")


def version() -> str:
    """The crate version from ../Cargo.toml, or OPENCLAW_CLIENT_VERSION."""
    env = os.environ.get("OPENCLAW_CLIENT_VERSION")
    if env:
        return env
    with open(os.path.join(HERE, "..", "Cargo.toml"), encoding="utf-8") as f:
        text = f.read()
    package = text.split("[package]", 1)[1].split("\n[", 1)[0]
    return re.search(r'^version\s*=\s*"([^"]+)"', package, re.M).group(1)


class PlatformWheel(bdist_wheel):
    """A wheel that is not pure (it carries a shared library) but fits every Python 3."""

    def finalize_options(self) -> None:
        super().finalize_options()
        self.root_is_pure = False

    def get_tag(self):
        _, _, plat = super().get_tag()
        return "py3", "none", os.environ.get("OPENCLAW_WHEEL_PLAT") or plat

    def run(self) -> None:
        if not os.path.exists(LIB):
            raise SystemExit(
                f"{LIB} is missing: build the wheel with python/build.sh (it runs cargo first)"
            )
        super().run()


class BinaryDistribution(Distribution):
    """Marks the package as platform-specific, so its files go to platlib."""

    def has_ext_modules(self) -> bool:
        return True


setup(
    version=version(),
    distclass=BinaryDistribution,
    cmdclass={"bdist_wheel": PlatformWheel},
)
