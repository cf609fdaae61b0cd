"""Readers of the directory's import formats.

Each reader turns a file into ``ParsedFile``: one ``PlaceRecord`` per good row, one
``RowError`` per bad row (line and reason), and the rows it skipped on purpose (another
region). They touch no database; ``places.services.places_import`` resolves communes, reports
probable duplicates and writes, all or nothing.
"""

from tierslieux.places.importers.base import ParsedFile, PlaceRecord, RowError
from tierslieux.places.importers.readers import READERS, read_file

__all__ = ["READERS", "ParsedFile", "PlaceRecord", "RowError", "read_file"]
