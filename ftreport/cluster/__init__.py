"""Dask for the commands that use it: connecting to (or starting) a cluster, and the
Monte Carlo split into tasks of whole blocks (``simulate_on_dask``).

Beside mail and prices: it imports only the engine and the model, and Dask only when
a run asks for it (the ``batch`` extra installs dask and distributed).
"""

from __future__ import annotations

from ftreport.cluster.connect import LOCAL_HTTP, dask_client
from ftreport.cluster.simulation import simulate_on_dask

__all__ = ["LOCAL_HTTP", "dask_client", "simulate_on_dask"]
