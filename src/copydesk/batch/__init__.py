"""The batch: an inbox of articles cleaned into an outbox, without any orchestrator.

Contract: every decision of a batch run lives here and runs without Prefect; the flows in
``copydesk_flows`` call these functions from their tasks and add retries, artifacts, task
runners and schedules only. Importing this package imports none of its modules (so that
the pieces a light caller needs, such as :mod:`copydesk.batch.fit`, come without the
pipeline). The modules:

* :mod:`~copydesk.batch.model`: ``Planned``, ``Outcome``, ``Plan``, the statuses.
* :mod:`~copydesk.batch.plan`: folder and pattern checks, and planning (clashing stems,
  links to outside the inbox, what the manifest says is done).
* :mod:`~copydesk.batch.manifest`: the manifest (version 2, with output hashes; records
  merged under a lock), article claims, content hashing, and preparing an outbox
  (sweeping temporary files).
* :mod:`~copydesk.batch.process`: cleaning one article, or a chunk, into the outbox (beside
  other runs into the same outbox: each article once, every record kept).
* :mod:`~copydesk.batch.quarantine`: ``NAME.error.txt`` and moving a bad article aside.
* :mod:`~copydesk.batch.summary`: the batch and article summaries in Markdown, run names.
* :mod:`~copydesk.batch.publish`: each cleaned article's report, read back to publish.
* :mod:`~copydesk.batch.fit`: keys, sizes and UI pages of what a run publishes.
* :mod:`~copydesk.batch.evaluate`: article/reference pairs and their line alignment.
"""
