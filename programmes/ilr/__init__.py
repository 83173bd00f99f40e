"""ILR 2025-26 field rules, pure Python: see ``programmes.ilr.rules``."""
