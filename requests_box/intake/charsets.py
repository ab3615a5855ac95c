"""Mail bytes to text in the right characters: charset labels as browsers read them, undeclared 8-bit text.

Labels follow the WHATWG Encoding Standard (https://encoding.spec.whatwg.org/#names-and-labels): a label
names the superset that real senders mean (ISO-8859-1 → windows-1252, GB2312 → GB18030, Shift_JIS →
windows-31J, EUC-KR → windows-949, Big5 → Big5-HKSCS). UTF-7 and ISO-2022-JP with vendor extensions,
which the Standard leaves out or handles narrowly, are read too. Bytes whose charset is not declared are
UTF-8 when they are valid UTF-8, else a charset the same mail declares elsewhere, else what
`charset-normalizer` detects. Nothing here raises on bad bytes.
"""

import codecs
import functools
import re
from collections.abc import Callable, Iterable

# The WHATWG labels whose reading differs from Python's own codec aliases (or that Python lacks).
_WHATWG = {
    "utf_8": "unicode-1-1-utf-8 unicode11utf8 unicode20utf8 utf-8 utf8 x-unicode20utf8",
    "cp866": "866 cp866 csibm866 ibm866",
    "iso8859_8": "csiso88598e csiso88598i iso-8859-8-e iso-8859-8-i logical visual hebrew",
    "iso8859_6": "csiso88596e csiso88596i iso-8859-6-e iso-8859-6-i arabic asmo-708 ecma-114",
    "iso8859_7": "sun_eu_greek greek greek8 elot_928 ecma-118",
    "koi8_r": "cskoi8r koi koi8 koi8-r koi8_r",
    "koi8_u": "koi8-ru koi8-u",
    "mac_roman": "csmacintosh mac macintosh x-mac-roman",
    "mac_cyrillic": "x-mac-cyrillic x-mac-ukrainian",
    "cp874": "dos-874 iso-8859-11 iso8859-11 iso885911 tis-620 windows-874",
    "cp1250": "x-cp1250",
    "cp1251": "x-cp1251",
    "cp1252": (
        "ansi_x3.4-1968 cp1252 cp819 csisolatin1 ibm819 iso-8859-1 iso-ir-100 iso8859-1 iso88591"
        " iso_8859-1 iso_8859-1:1987 l1 latin1 latin-1 windows-1252 x-cp1252"
    ),
    "cp1253": "x-cp1253",
    "cp1254": (
        "cp1254 csisolatin5 iso-8859-9 iso-ir-148 iso8859-9 iso88599 iso_8859-9 iso_8859-9:1989 l5"
        " latin5 windows-1254 x-cp1254"
    ),
    "cp1255": "x-cp1255",
    "cp1256": "x-cp1256",
    "cp1257": "x-cp1257",
    "cp1258": "x-cp1258",
    "gb18030": (
        "chinese csgb2312 csiso58gb231280 gb2312 gb_2312 gb_2312-80 gbk iso-ir-58 x-gbk gb18030 cp936"
        " euc-cn x-euc-cn"
    ),
    "big5hkscs": "big5 big5-hkscs cn-big5 csbig5 x-x-big5",
    "euc_jp": "cseucpkdfmtjapanese euc-jp x-euc-jp",
    "iso2022_jp": "csiso2022jp iso-2022-jp",
    "cp932": "csshiftjis ms932 ms_kanji shift-jis shift_jis sjis windows-31j x-sjis",
    "cp949": (
        "cseuckr csksc56011987 euc-kr iso-ir-149 korean ks_c_5601-1987 ks_c_5601-1989 ksc5601 ksc_5601"
        " windows-949"
    ),
    "utf_16_be": "unicodefffe utf-16be",
    "utf_16": "csunicode iso-10646-ucs-2 ucs-2 unicode unicodefeff utf-16",
    "utf_16_le": "utf-16le",
    "utf_7": "utf-7 utf7 unicode-1-1-utf-7 unicode-2-0-utf-7 x-unicode-2-0-utf-7 csunicode11utf7",
}
LABELS = {label: codec for codec, labels in _WHATWG.items() for label in labels.split()}
# Labels that say nothing about 8-bit bytes: US-ASCII is MIME's default, the others are placeholders.
NO_INFORMATION = frozenset(
    {"", "us-ascii", "ascii", "us", "iso646-us", "csascii", "cp367", "ibm367", "iso-ir-6", "ansi_x3.4-1986"}
    | {"unknown-8bit", "x-unknown", "unknown", "default", "8bit", "x-user-defined", "none", "charset"}
)
# Codecs that are not text encodings a sender may ask for (they would rewrite the text or always fail).
_REFUSED = frozenset({"unicode_escape", "raw_unicode_escape", "idna", "punycode", "undefined", "mbcs", "oem"})
# 7-bit encodings: ASCII-only bytes still need their codec.
_SEVEN_BIT = ("utf_7", "iso2022", "hz", "utf_16", "utf_32")
# Candidates for detection, most likely first for a French organisation's mailbox: ties go to the first.
DETECTION_ORDER = (
    "cp1252", "iso8859_15", "cp1250", "iso8859_2", "gb18030", "big5hkscs", "cp932", "euc_jp", "cp1251",
    "koi8_r", "cp949", "cp1253", "cp1254", "cp1257", "cp1255", "cp1256", "cp874", "koi8_u", "mac_roman",
)  # fmt: skip
_ISO2022_JP_CODECS = ("iso2022_jp", "iso2022_jp_ext", "iso2022_jp_2", "iso2022_jp_2004")


def _c1_controls(error: UnicodeDecodeError) -> tuple[str, int]:
    """The five bytes windows-1252 leaves undefined read as C1 controls, as the WHATWG decoder does."""
    return error.object[error.start : error.end].decode("latin-1"), error.end


def _gb_euro(error: UnicodeDecodeError) -> tuple[str, int]:
    """Byte 0x80 read as the euro sign, as Windows' code page 936 and the WHATWG gb18030 decoder do."""
    if error.object[error.start] == 0x80:
        return "€", error.start + 1
    return "\ufffd", error.end


codecs.register_error("relais-c1", _c1_controls)
codecs.register_error("relais-gb-euro", _gb_euro)


@functools.lru_cache(maxsize=512)
def codec_for(label: str | None) -> str | None:
    """Python codec for a charset label, or None when the label is unknown or says nothing."""
    label = (label or "").strip().strip("\"'").strip().lower().split("*", 1)[0]  # RFC 2231 "*lang"
    if label in NO_INFORMATION:
        return None
    if label in LABELS:
        return LABELS[label]
    try:
        info = codecs.lookup(label)
    except (LookupError, ValueError):
        return None
    name = info.name.replace("-", "_")
    # Not a text encoding a sender may ask for (base64, zlib, rot13, unicode_escape...): no information.
    if not getattr(info, "_is_text_encoding", True) or name in _REFUSED or name == "ascii":
        return None
    return LABELS.get(name.replace("_", "-"), name)


def decode_iso2022_jp(data: bytes) -> str:
    """ISO-2022-JP, with the halfwidth katakana, JIS X 0212 and Windows (CP50221) extensions senders use."""
    for codec in _ISO2022_JP_CODECS:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            pass
    return _iso2022_jp_windows(data)


_ISO2022_ESCAPE = re.compile(rb"\x1b(\(B|\(J|\(H|\(I|\$@|\$B|\$\(B|\$\(D|\$A|\$\(C|&@\x1b\$B)")


def _jis_pairs(segment: bytes, to_bytes: Callable[[int, int], bytes], codec: str) -> str:
    out = []
    i = 0
    while i < len(segment):
        first = segment[i]
        if first < 0x21 or first > 0x7E or i + 1 == len(segment):  # a line break or stray byte in kanji mode
            out.append(chr(first) if first < 0x80 else "\ufffd")
            i += 1
            continue
        out.append(to_bytes(first, segment[i + 1]).decode(codec, "replace"))
        i += 2
    return "".join(out)


def _jis_to_cp932(j1: int, j2: int) -> bytes:
    """A JIS X 0208 code (NEC row 13 and IBM rows 89-92 included) as its windows-31J bytes."""
    s1 = ((j1 + 1) >> 1) + (0x70 if j1 < 0x5F else 0xB0)
    s2 = j2 + (0x1F + (j2 >= 0x60) if j1 % 2 else 0x7E)
    return bytes((s1, s2))


def _iso2022_jp_windows(data: bytes) -> str:
    """Segment by segment, as Windows' CP50221 reads it: JIS X 0208 through windows-31J."""
    out, mode, pos = [], b"(B", 0
    for match in [*_ISO2022_ESCAPE.finditer(data), None]:
        segment = data[pos : match.start() if match else len(data)]
        if mode in (b"$@", b"$B", b"$(B", b"&@\x1b$B"):
            out.append(_jis_pairs(segment, _jis_to_cp932, "cp932"))
        elif mode == b"$(D":  # JIS X 0212, through its EUC-JP form
            out.append(_jis_pairs(segment, lambda a, b: bytes((0x8F, a | 0x80, b | 0x80)), "euc_jp"))
        elif mode == b"(I":  # halfwidth katakana
            kana = bytes(b | 0x80 if 0x21 <= b <= 0x5F else b for b in segment)
            out.append(kana.decode("cp932", "replace"))
        elif mode in (b"$A", b"$(C"):
            out.append((b"\x1b" + mode + segment).decode("iso2022_jp_2", "replace"))
        else:  # ASCII or JIS-Roman (read as ASCII, as Windows does); SO/SI shifts to katakana
            out.append(_shifted_katakana(segment))
        if match is None:
            break
        mode, pos = match.group(1), match.end()
    return "".join(out)


def _shifted_katakana(segment: bytes) -> str:
    if b"\x0e" not in segment:
        return segment.decode("ascii", "replace")
    out, kana = [], False
    for byte in segment:
        if byte in (0x0E, 0x0F):
            kana = byte == 0x0E
        elif kana and 0x21 <= byte <= 0x5F:
            out.append(bytes((byte | 0x80,)).decode("cp932"))
        else:
            out.append(chr(byte) if byte < 0x80 else "\ufffd")
    return "".join(out)


def detect(sample: bytes) -> str:
    """The codec `charset-normalizer` finds least chaotic for undeclared bytes; ties go by DETECTION_ORDER."""
    from charset_normalizer import from_bytes

    try:
        matches = list(from_bytes(sample[:65536], cp_isolation=list(DETECTION_ORDER)))
    except Exception:  # the detector failing is no reason to lose the text
        matches = []
    if not matches:
        return "cp1252"
    least = min(match.chaos for match in matches)
    rank = {codec: n for n, codec in enumerate(DETECTION_ORDER)}
    best = min(
        (m for m in matches if m.chaos <= least + 0.01),
        key=lambda m: (-round(m.coherence, 2), rank.get(m.encoding, len(rank))),
    )
    return LABELS.get(best.encoding.replace("_", "-"), best.encoding)


_STRAY = re.compile("[\udc80-\udcff]")
_STRAY_RUN = re.compile("[\udc80-\udcff]+")


def _mostly_utf8(data: bytes, other: str) -> str | None:
    """UTF-8 text with a few stray bytes (a quoted legacy reply, a cut-off character) read as `other`."""
    text = data.decode("utf-8", "surrogateescape")
    stray = len(_STRAY.findall(text))
    valid = len(text) - len(text.encode("ascii", "ignore")) - stray
    if valid < 2 or stray > valid:
        return None
    return _STRAY_RUN.sub(
        lambda m: m.group(0).encode("utf-8", "surrogateescape").decode(other, "relais-c1"),
        text,
    )


class Decoder:
    """Decodes the bytes of one mail.

    `hints` lists the charsets the mail declares (asked only when needed); `context` gives the mail's
    undeclared 8-bit header bytes, so that a short subject is detected together with them.
    """

    def __init__(
        self,
        hints: Callable[[], Iterable[str]] = tuple,
        context: Callable[[], bytes] = bytes,
    ):
        self._hints_of, self._context_of = hints, context
        self._hints: list[str] | None = None

    def decode(self, data: bytes, label: str | None) -> str:
        """Bytes in a declared charset (or none): never raises."""
        codec = codec_for(label)
        if codec is None:
            return self.undeclared(data)
        if data.isascii() and not codec.startswith(_SEVEN_BIT):
            return data.decode("ascii")
        if codec == "iso2022_jp":
            return decode_iso2022_jp(data)
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            pass
        if codec == "cp1252":
            return data.decode("cp1252", "relais-c1")
        if codec == "gb18030" and b"\x80" in data:
            return data.decode("gb18030", "relais-gb-euro")
        if codec == "euc_jp":
            try:
                return data.decode("euc_jis_2004")
            except UnicodeDecodeError:
                pass
        # A wrong label: read the bytes as undeclared ones, unless that fits no better.
        return self.undeclared(data, fallback=codec)

    def undeclared(self, data: bytes, *, fallback: str = "") -> str:
        """Bytes of unknown charset: UTF-8 if valid, else a charset the mail declares, else detected."""
        if b"\x1b" in data and _ISO2022_ESCAPE.search(data):  # old Japanese mail often omits its label
            return decode_iso2022_jp(data)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        for codec in self.hints():
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                pass
        mixed = _mostly_utf8(data, "cp1252")
        if mixed is not None:
            return mixed
        codec = detect(data if len(data) >= 64 else self._context_of() + b"\n" + data)
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            return data.decode(fallback or "cp1252", "replace" if fallback else "relais-c1")

    def hints(self) -> list[str]:
        if self._hints is None:
            hints = []
            for label in self._hints_of():
                codec = codec_for(label)
                # UTF-8 is tried first anyway; 7-bit and UTF-16/32 codecs would read any bytes as garbage.
                if codec and codec not in hints and codec != "utf_8" and not codec.startswith(_SEVEN_BIT):
                    hints.append(codec)
            self._hints = hints
        return self._hints


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Bytes to text with the declared charset, read as WHATWG labels say: never raises."""
    return Decoder().decode(data, charset)
