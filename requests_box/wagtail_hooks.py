from wagtail.snippets.models import register_snippet

from requests_box.viewsets import MailboxViewSetGroup

register_snippet(MailboxViewSetGroup)
