"""Building blocks shared by every feature; nothing here imports a feature."""
