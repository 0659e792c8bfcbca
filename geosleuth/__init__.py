"""geosleuth: find where a photo was taken, and show the work.

The package root stays import-light so that ``geosleuth --help`` is fast; the
pieces live in subpackages (``model``, ``geo``, ``fusion``, ``tools``, ``agent``,
``backends``, ``report``) and are imported where they are used.
"""

__version__ = "0.1.0"
