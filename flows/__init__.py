"""Prefect flows over the copydesk library: clean one article, clean an inbox, evaluate.

Contract: the flows decide nothing about text; every task calls :mod:`copydesk` and the
flows only move files, record what was done and publish artifacts. The modules are
``flows.article`` (``clean-article``), ``flows.inbox`` (``clean-inbox``), ``flows.evaluate``
(``evaluate``) and ``flows.cli`` (the ``copydesk run`` commands).

Importing this package imports no Prefect. It sets quiet, offline defaults for Prefect in
the environment (only variables that are not set already; see :mod:`flows._prefect`), so
that they are in place before a flow module imports Prefect.
"""

from __future__ import annotations

from flows._prefect import apply_env_defaults

apply_env_defaults()
