"""Evaluation scripts: each reads ../shared/data, prints a table and writes bench/results/<area>.json."""
