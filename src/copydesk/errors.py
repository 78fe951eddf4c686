"""Exceptions the library raises; the CLI turns each into one `copydesk error:` line.

Every message is built first and says what is wrong and where (file and line for data
files), so that a reader can act on it without a traceback.
"""

from __future__ import annotations


class CopydeskError(Exception):
    """Base class of every error copydesk raises on purpose."""


class InputError(CopydeskError):
    """An article cannot be read: missing, a directory, empty, binary or undecodable."""


class GlossaryError(CopydeskError):
    """A glossary file is malformed; the message names the file and line."""


class RuleFileError(CopydeskError):
    """A rule file is malformed; the message names the file and line."""


class ConfigError(CopydeskError):
    """The house-style configuration is malformed."""


class ReviewError(CopydeskError):
    """An editor's review decision cannot be applied: a change number or rule it names is
    not in the report, or a value is not one the form offers."""
