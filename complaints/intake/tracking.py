"""Tracking numbers a resident can read out on the phone: ``ADU-7K3Q-M9XP``.

Eight characters from an alphabet without look-alikes (no 0/O, 1/I/L, U), random rather than sequential so that a
number says nothing about how many complaints exist. 30^8 ≈ 6.6 x 10^11 values; the unique constraint catches the
rare collision and the service draws again.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIX = "ADU"
PATTERN = re.compile(rf"^{PREFIX}-[{ALPHABET}]{{4}}-[{ALPHABET}]{{4}}$")


def new_tracking_number() -> str:
    chars = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{PREFIX}-{chars[:4]}-{chars[4:]}"
