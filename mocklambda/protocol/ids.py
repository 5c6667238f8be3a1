"""Random ids in uuid4's text form, cheaply: request ids and message ids are made on every call."""
from __future__ import annotations

import random

# uuid4's fixed bits: version 4 in bits 76-79, the RFC 4122 variant (0b10) in bits 62-63.
_CLEAR = ~((0xF << 76) | (0x3 << 62))
_SET = (0x4 << 76) | (0x2 << 62)


def new_uuid4() -> str:
    """The same format as str(uuid.uuid4()) (lower-case hex, version 4, RFC 4122 variant), from the
    process's Mersenne Twister instead of os.urandom plus a UUID object: these ids only need to be unique
    and random-looking, not secret, and uuid4() costs several microseconds per call."""
    text = f"{random.getrandbits(128) & _CLEAR | _SET:032x}"
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
