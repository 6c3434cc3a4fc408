"""Load test and fault runs of the portal as production runs it (see bench/load/__main__.py)."""
