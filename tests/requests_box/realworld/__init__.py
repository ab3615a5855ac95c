"""Builders of mails shaped like the ones real clients, scripts and mail servers send (written for this
project): Outlook and Exchange, Thunderbird, Gmail, Foxmail, Outlook Express, Japanese Windows clients,
PHP and shell scripts, Postfix, Exchange Online and Gmail delivery reports."""
