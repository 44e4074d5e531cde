"""Helpers shared by the server benchmarks (not a benchmark itself)."""
