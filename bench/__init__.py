"""Benchmark scripts (run each as `python bench/<name>.py`; see bench/README.md)."""
