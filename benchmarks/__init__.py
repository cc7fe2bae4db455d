"""Benchmarks: run them as scripts (`python -m benchmarks.scale`), never as timed unit tests."""
