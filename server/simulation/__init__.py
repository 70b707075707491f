"""A whole hall day, simulated against a running server (``antre-server simulate``).

``plan`` makes the day (deterministic, no network), ``runner`` plays it through the
public REST and Socket.IO API with kiosks, officers, boards and phones (``people``,
``listeners``) on a simulated clock, and measures it (``measures``, ``accuracy``,
``tally``); ``summary`` words the result. See docs/simulation.md.
"""
