"""The counter officer's client (``antre-counter``): log in, open a counter, call and serve."""
