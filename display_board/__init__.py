"""``antre-display``: the PyQt6 board of one hall zone, with chime and spoken call-outs."""
