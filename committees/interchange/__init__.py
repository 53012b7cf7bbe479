"""Organisation data in and out of the portal, in the DOMAIN interchange format (CSV folder or .xlsx)."""

from committees.interchange.exporter import export_org, write_template
from committees.interchange.importer import ImportReport, RowError, import_org

__all__ = ["ImportReport", "RowError", "export_org", "import_org", "write_template"]
