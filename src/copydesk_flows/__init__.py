"""Prefect flows over the copydesk library: clean one article, clean an inbox, evaluate.

Contract: the flows decide nothing about text; every task calls :mod:`copydesk` and the
flows only move files, record what was done and publish artifacts. The modules are
``copydesk_flows.article`` (``clean-article``), ``copydesk_flows.inbox`` (``clean-inbox``),
``copydesk_flows.evaluate`` (``evaluate``) and ``copydesk_flows.cli`` (``copydesk run``).

Importing this package imports no Prefect and changes nothing in the environment. The
command line applies quiet, offline defaults for Prefect (only variables that are not set
already; :func:`copydesk_flows._prefect.apply_env_defaults`) when a flow is about to run;
a program that imports a flow module itself can call it first.
"""

from __future__ import annotations
