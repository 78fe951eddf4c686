"""Prefect flows over the copydesk library: clean one article, clean an inbox, evaluate.

Contract: the flows decide nothing about text; every task calls :mod:`copydesk` and the
flows only move files, record what was done and publish artifacts. The modules are
``copydesk_flows.article`` (``clean-article``), ``copydesk_flows.inbox`` (``clean-inbox``),
``copydesk_flows.evaluate`` (``evaluate``) and ``copydesk_flows.cli`` (``copydesk run``).

Importing this package imports no Prefect. It sets quiet, offline defaults for Prefect in
the environment (only variables that are not set already; see :mod:`copydesk_flows._prefect`), so
that they are in place before a flow module imports Prefect.
"""

from __future__ import annotations

from copydesk_flows._prefect import apply_env_defaults

apply_env_defaults()
