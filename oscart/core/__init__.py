"""Building blocks shared by every feature (ids, tabular exports); nothing here imports a feature."""
