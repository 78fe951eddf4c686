"""copydesk's version: the one place it is written (``pyproject.toml`` reads it from here).

Contract: a leaf module (it imports nothing of copydesk), so that any module, the package's
``__init__`` included, can import :data:`__version__` without an import cycle. A literal,
not the installed metadata: importing ``importlib.metadata`` (email, zipfile, csv) costs a
warm ``check`` tens of milliseconds; the build writes this value into the metadata.
"""

from __future__ import annotations

__version__ = "0.1.0"
