"""One module per export format, each defining its `ExportFormat` as `FORMAT` (found by the registry)."""
