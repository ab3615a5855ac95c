"""Signals other apps listen to; the functional mailbox sends them, never imports its listeners.

``request_status_changed`` is sent after every status transition has been saved (inside the same
transaction: listeners that send e-mail or enqueue tasks use ``transaction.on_commit``), with
``request`` (the saved Request), ``old_status``, ``new_status`` (``Status`` values) and ``actor``
(the user who made the change, or None for the system). The satisfaction surveys schedule a
post-request survey when a request becomes ``closed`` and cancel it when it is ``reopened``.
"""

from django.dispatch import Signal

request_status_changed = Signal()

# Sent once intake's transaction is committed, for each automatic mail it ignored (bounce, auto-reply,
# list traffic, loop, rate limit), with ``receipt`` (the saved MailReceipt, outcome "ignored"),
# ``reason`` (the short code, e.g. "bounce", "auto-reply"), ``raw`` (the mail's bytes as they came) and
# ``parsed`` (its ParsedMail: ``parsed.bounce`` is the BounceReport of a delivery report, with the failed
# recipients and the bounced mail's Message-ID). Sender: MailReceipt. A duplicate is not sent again.
mail_ignored = Signal()
