"""Notices to a visitor's phone (WhatsApp, Telegram, SMS): an outbox with a lease.

Not ``server.domain.outbox``, which numbers Socket.IO pushes inside a transaction. Here
a notice is a row written in the transaction of the event that causes it
(``queueing.enqueue_notice``); a worker outside any request (``server.notify.worker``)
claims due rows with a lease (``delivery.claim_due``), talks to the provider with no
transaction open, and records what happened (``delivery.record``). The rules of retry,
give-up and "at most once more" live in ``delivery``; the message types the channel
adapters speak are in ``sending``. docs/notifications.md tells the whole story.
"""
