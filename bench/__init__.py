"""Benchmarks: each scenario prints its figures and a verdict against its target."""
