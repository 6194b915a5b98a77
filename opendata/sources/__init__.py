"""Reading uploaded data files into plain tables and checking them, before anything is stored.

Every reader raises SourceError (from maps.sources) with a message naming the file, the line and
the problem; validation collects all problems of a readable table into a report instead.
"""

from maps.sources.files import SourceError

from .tables import FileTooLarge, Table, read_table
from .validation import MAX_ERRORS, TableError, ValidationReport, infer_schema, validate_table

__all__ = [
    "MAX_ERRORS",
    "FileTooLarge",
    "SourceError",
    "Table",
    "TableError",
    "ValidationReport",
    "infer_schema",
    "read_table",
    "validate_table",
]
