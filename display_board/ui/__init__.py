"""The board's widgets: they paint what the model and the announcer say, nothing more."""
