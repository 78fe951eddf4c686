"""copydesk's version, read once from the installed package's metadata.

Contract: a leaf module (it imports nothing of copydesk), so that any module, the package's
``__init__`` included, can import :data:`__version__` without an import cycle.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("copydesk")
except PackageNotFoundError:  # a source tree on sys.path without an installed copy
    __version__ = "0+unknown"
