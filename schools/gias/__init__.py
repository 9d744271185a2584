"""Import of the DfE's "Get Information About Schools" establishment extract."""

from .loader import ImportResult, import_gias
from .reader import Filters, GiasFileError, RowError
from .sample import benchmark_import, gias_bytes, write_gias_csv

__all__ = [
    "Filters",
    "GiasFileError",
    "ImportResult",
    "RowError",
    "benchmark_import",
    "gias_bytes",
    "import_gias",
    "write_gias_csv",
]
