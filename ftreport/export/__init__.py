"""Trial exports of `ftreport run`: every iteration's inputs and outputs as CSV or
Parquet (`--trials`), and a SIPmath 3.0 library (`--sipmath`). docs/simulation.md,
"Trial export"."""

from ftreport.export.write import check_targets, write_exports

__all__ = ["check_targets", "write_exports"]
