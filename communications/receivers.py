"""Listens to the functional mailbox: an automatic mail it ignores may be a campaign's bounce.

`requests_box.signals.mail_ignored(receipt, reason, raw, parsed)` is sent by the intake when it sets
aside an automatic mail (it never becomes a request); connected in `CommunicationsConfig.ready()` when
the mailbox offers that signal.
"""

from communications.bounces import record_bounce


def on_mail_ignored(sender, raw: bytes = b"", reason: str = "", **kwargs) -> None:
    if raw:
        record_bounce(raw)
