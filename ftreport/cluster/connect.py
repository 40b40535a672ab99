"""The Dask client a command works on: the caller's, an existing cluster's, or a
LocalCluster started for the command and closed after it."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any

from ftreport.model.problems import InputError, Problem, ReportError

LOCAL_HTTP = "127.0.0.1:0"
INSTALL_HINT = "this needs Dask: pip install 'ftreport[batch]' (dask and distributed)"


@contextlib.contextmanager
def dask_client(client: Any, scheduler: str | None, workers: int | None, *,
                install_hint: str = INSTALL_HINT) -> Iterator[Any]:
    """The given client; else one for ``scheduler`` (or DASK_SCHEDULER_ADDRESS); else a
    LocalCluster of ``workers`` single-threaded processes. Ours are closed after."""
    if client is not None:
        yield client
        return
    try:
        import dask
        import distributed
        from dask.system import CPU_COUNT
    except ImportError as exc:
        raise ReportError(f"{install_hint} ({exc})") from None
    address = scheduler or os.environ.get("DASK_SCHEDULER_ADDRESS") \
        or dask.config.get("scheduler-address", None)
    if address:
        if workers is not None:
            raise InputError([Problem("--workers", None, None,
                                      "used only with the LocalCluster the command starts, "
                                      "not with --scheduler", str(workers),
                                      code="invalid-option")])
        with distributed.Client(address) as connected:
            yield connected
        return
    # One single-threaded process per core: the work is Python (openpyxl, WeasyPrint)
    # or numpy on one core, so threads would share one GIL. The scheduler's HTTP server
    # (dashboard, metrics) listens on a free port of this machine only, never on a
    # fixed or public one. The workers' statistical profiler is off: it samples every
    # stack each 10 ms, which cost ~10% of each batch run, for a dashboard nobody watches.
    with dask.config.set({"distributed.worker.profile.enabled": False}), \
            distributed.LocalCluster(n_workers=workers or CPU_COUNT, threads_per_worker=1,
                                     processes=True, dashboard_address=LOCAL_HTTP) as cluster, \
            distributed.Client(cluster) as started:
        yield started
