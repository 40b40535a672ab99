"""The engine's own error: inputs it cannot compute with.

The reader checks every input first; this guards scenarios built in code. It is
bad input (exit code 2), so it is an InputError, each problem naming the input.
"""

from __future__ import annotations

from ftreport.model.problems import InputError


class EngineError(InputError):
    """Inputs the cost engine or the simulation cannot compute with."""
