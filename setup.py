"""Package list only: the first-party plugins in ``plugins/`` install as ``geosleuth_plugins``.

Everything else is in pyproject.toml. The list is computed so that a new plugin folder
needs no edit here.
"""

from setuptools import find_packages, setup

packages = find_packages(include=["geosleuth", "geosleuth.*"])
packages += ["geosleuth_plugins"] + [f"geosleuth_plugins.{p}" for p in find_packages("plugins")]

setup(packages=packages)
