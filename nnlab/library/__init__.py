"""Saved models: the store on disk, the checks before a .keras file is loaded, who owns what."""
