"""Files attached to messages: what to attach, and how it is stored."""

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.files.base import ContentFile, File
from django.utils.text import get_valid_filename

from requests_box.models import Attachment, Message


@dataclass
class NewFile:
    """A file to attach: bytes from a mail or an uploaded file from a form."""

    name: str
    content_type: str
    content: bytes | File
    inline: bool = False

    @property
    def size(self) -> int:
        return len(self.content) if isinstance(self.content, bytes) else self.content.size


def storage_name(original: str) -> str:
    cleaned = get_valid_filename(re.sub(r"[\\/]", "_", original))[-80:] or "fichier"
    return f"{uuid.uuid4().hex[:12]}_{cleaned}"


def store_attachments(message: Message, files: Iterable[NewFile]) -> list[Attachment]:
    stored = []
    for new_file in files:
        content = new_file.content
        attachment = Attachment(
            message=message,
            original_name=new_file.name[:255],
            content_type=(new_file.content_type or "application/octet-stream")[:127],
            size=new_file.size,
            inline=new_file.inline,
        )
        name = storage_name(new_file.name)
        attachment.file.save(
            name, ContentFile(content) if isinstance(content, bytes) else content, save=False
        )
        attachment.save()
        stored.append(attachment)
    return stored
