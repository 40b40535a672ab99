"""The cost and break-even engine: pure functions over numpy arrays.

No file or network I/O here. Every function takes scalars or arrays that
broadcast together, so one scenario and a million Monte Carlo samples go
through the same code. The definitions are those of docs/cost-model.md.
Bad input raises ``errors.EngineError``; nothing here prints (progress is a
callback).
"""
