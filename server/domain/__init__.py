"""The rules of the hall: ticket life, numbering, calling order, estimates.

Plain Python over a SQLAlchemy session; nothing here knows Flask, Socket.IO or Qt.
"""
