"""Screens of the functional mailbox, by area: the client's side, the request workspace, the queues, the
relationship manager's intake screens, the complaint tables and registers."""

from requests_box.views.client import client_cancel, client_message, client_reopen, my_requests, new_request
from requests_box.views.complaints import (
    callback_done,
    callbacks,
    complaint_tables,
    complaint_tables_csv,
    measures_csv,
    measures_view,
    preventive_actions,
)
from requests_box.views.mailbox import (
    confirm_sender,
    ignored_list,
    ignored_raw,
    link_sender,
    mailbox_home,
    manual_entry,
    quarantine_detail,
    quarantine_list,
    quarantine_raw,
    rule_test,
    unknown_senders,
)
from requests_box.views.queues import service_feedback, triage, work_queue
from requests_box.views.workspace import attachment_download, deadline_preview, request_action, request_detail

__all__ = [
    "attachment_download",
    "callback_done",
    "callbacks",
    "client_cancel",
    "client_message",
    "client_reopen",
    "complaint_tables",
    "complaint_tables_csv",
    "confirm_sender",
    "deadline_preview",
    "ignored_list",
    "ignored_raw",
    "link_sender",
    "mailbox_home",
    "manual_entry",
    "measures_csv",
    "measures_view",
    "my_requests",
    "new_request",
    "preventive_actions",
    "quarantine_detail",
    "quarantine_list",
    "quarantine_raw",
    "request_action",
    "request_detail",
    "rule_test",
    "service_feedback",
    "triage",
    "unknown_senders",
    "work_queue",
]
