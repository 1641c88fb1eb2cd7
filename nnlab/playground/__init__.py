"""The 2D playground: its setup (config, URL), its lessons, and one run of it (data, model, trainer, pictures)."""
