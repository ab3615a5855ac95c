"""Addresses of an undecoded address header (From, Sender, To, Cc), and which one is the mail's sender.

The addr-spec is read from the header as it came, before any RFC 2047 word is decoded: a decoded
display name can hold anything (`camille.martin@groupe-aurelia.fr`, `Lefèvre, Nadia`, `Nadia @ DAF`) and
is only ever shown, never looked up. The reading is RFC 5322's (quoted strings, comments, angle brackets,
groups), lenient where senders are sloppy and strict where a lenient reading would let the display name
choose the address: in `a@b <c@d>` the address is `c@d`, as every mail client reads it (the stdlib's
`getaddresses` finds two addresses there, and `policy.default` finds only `a@b`).
"""

import re
from dataclasses import dataclass

# An RFC 2047 word. Its text stops at the next "?" (one more "?" right before the "?=" is allowed), so
# that finding the words stays linear on hostile headers: `.*?` would make it quadratic.
ENCODED_WORD = re.compile(r"=\?([^?\s]*)\?([bBqQ])\?([^?]*\??)\?=")
_ATOM = r"[^\s\"(),:;<>@\[\]\\]+"
_ADDR_SPEC = re.compile(rf'(?:{_ATOM}|"(?:[^"\\]|\\.)*")@(?:{_ATOM}|\[[^\[\]\\\s]*\])')
_BARE = re.compile(rf"{_ATOM}@{_ATOM}")
_NAME_SPECIALS = frozenset('"()<>@,;:\\')
MAX_HEADER = 256 * 1024  # an address header longer than this is read no further


@dataclass(frozen=True)
class Mailbox:
    display: str  # the display name as it came: quotes removed, RFC 2047 words not yet decoded
    address: str  # the addr-spec, lowercased; "" when the mailbox has none that is valid


def _address(text: str) -> str:
    """The addr-spec of an angle address or a bare mailbox, or '' when it is not one."""
    text = text.strip()
    if text.startswith("@") and ":" in text:  # obsolete source route: <@relay:user@host>
        text = text.rsplit(":", 1)[1].strip()
    if not _ADDR_SPEC.fullmatch(text):
        return ""
    try:  # raw 8-bit bytes are fine only as UTF-8 (RFC 6532); anything else is not an address
        text = text.encode("utf-8", "surrogateescape").decode("utf-8")
    except UnicodeError:
        return ""
    return text.lower()


class _Box:
    __slots__ = ("phrase", "raw", "angles", "comments", "has_at")

    def __init__(self):
        self.phrase: list[str] = []  # text outside angles and comments, quoted strings unquoted
        self.raw: list[str] = []  # the same with its quotes kept, to read a bare addr-spec
        self.angles: list[str] = []
        self.comments: list[str] = []
        self.has_at = False  # an unquoted @ outside angles: the phrase may be an addr-spec


def _tokenize(value: str) -> list[_Box]:
    """Splits an address list into mailboxes: commas outside quotes, comments and angles; groups."""
    boxes, box = [], _Box()
    i, n = 0, len(value)
    while i < n:
        char = value[i]
        if char == '"':
            end, text = _enclosed(value, i + 1, '"')
            box.phrase.append(text)
            box.raw.append(value[i:end])
            i = end
        elif char == "(":
            i, text = _enclosed(value, i + 1, ")", "(")
            box.comments.append(text)
        elif char == "<":
            end = value.find(">", i + 1)
            end = n if end < 0 else end
            box.angles.append(value[i + 1 : end])
            i = end + 1
        elif char == "=" and (word := ENCODED_WORD.match(value, i)):  # an encoded word stays whole
            box.phrase.append(word.group(0))
            box.raw.append(word.group(0))
            i = word.end()
        else:
            if char in ",;":
                boxes.append(box)
                box = _Box()
            elif char == ":" and not box.angles:  # a group's name: its members follow
                box = _Box()
            else:
                box.has_at = box.has_at or char == "@"
                box.phrase.append(char)
                box.raw.append(char)
            i += 1
    boxes.append(box)
    return boxes


def _enclosed(value: str, i: int, close: str, nest: str = "") -> tuple[int, str]:
    """The text up to `close` (a quoted string, or a comment when `nest` opens nested ones), backslash
    escapes honoured; an unclosed one runs to the end."""
    out, depth = [], 1
    while i < len(value):
        char = value[i]
        if char == "\\" and i + 1 < len(value):
            out.append(value[i + 1])
            i += 2
            continue
        depth += (char == nest) - (char == close)
        if depth == 0:
            return i + 1, "".join(out)
        out.append(char)
        i += 1
    return i, "".join(out)


def _words(parts: list[str]) -> str:
    return " ".join("".join(parts).split())


def _mailboxes(boxes: list[_Box]) -> list[Mailbox]:
    found: list[Mailbox] = []
    orphan = ""  # `Müller, Bernd <b@x>` written raw: "Müller" has no address, it begins the next name
    for box in boxes:
        phrase = _words(box.phrase)
        if len(box.angles) == 1:
            display = phrase or " ".join(_words([c]) for c in box.comments).strip()
            found.append(Mailbox(f"{orphan}, {display}" if orphan else display, _address(box.angles[0])))
        elif len(box.angles) > 1:  # `A <a@x> <b@y>`: ambiguous, so no address at all
            found.append(Mailbox(phrase, ""))
        elif box.has_at:  # a bare addr-spec, its comment as the old-style display name
            address = _address("".join(box.raw).strip().rstrip(">"))
            found.append(Mailbox(" ".join(_words([c]) for c in box.comments).strip(), address))
        elif phrase:
            orphan = f"{orphan}, {phrase}" if orphan else phrase
            continue
        else:
            continue
        orphan = ""
    return found


def _simple(value: str) -> Mailbox | None:
    """The two everyday shapes without the tokenizer: `Name <a@b>` (no quote, comment or @ in the
    name) and a bare `a@b`; None for anything else."""
    text = value.strip()
    if text.endswith(">") and text.count("<") == 1 and text.count(">") == 1:
        name, _lt, address = text[:-1].partition("<")
        if _BARE.fullmatch(address) and not _NAME_SPECIALS.intersection(name):
            return Mailbox(" ".join(name.split()), _address(address))
    elif _BARE.fullmatch(text):
        return Mailbox("", _address(text))
    return None


def mailboxes(value: str | None) -> list[Mailbox]:
    """Every mailbox of an undecoded address header, in order (invalid ones with an empty address)."""
    if not value:
        return []
    value = value[:MAX_HEADER].replace("\r", "").replace("\n", "")  # unfolding
    simple = _simple(value)
    if simple is not None:
        return [simple]
    return _mailboxes(_tokenize(value))


def addresses(value: str | None) -> list[str]:
    """The valid addresses of an undecoded address header, lowercased, each once, in order."""
    return list(dict.fromkeys(box.address for box in mailboxes(value) if box.address))


def choose_sender(from_boxes: list[Mailbox], sender_value: str | None) -> tuple[Mailbox | None, str]:
    """The one mailbox that sent the mail, or None with the reason.

    One address in From: that one. Several (RFC 5322 §3.6.2): the one the Sender header names; when
    Sender names none of them nobody is the sender, since taking another (or Sender's own) address
    would let the header that the receiving server's DMARC check never looks at decide who writes.
    """
    valid = [box for box in from_boxes if box.address]
    unique = list(dict.fromkeys(box.address for box in valid))
    if len(unique) == 1:
        return valid[0], ""
    if not unique:
        return None, "no address in From"
    named = addresses(sender_value)
    for box in valid:
        if len(named) == 1 and box.address == named[0]:
            return box, ""
    return None, "several From addresses and Sender names none of them"
