"""Benchmarks: each module compares copydesk against a bare baseline in the same run (a ratio)
and writes JSON to bench/results/. Run one with `python -m bench.<name>`, all with `make bench`."""
