"""Indonesian mobile numbers, normalised to E.164 with lokal-id."""

from __future__ import annotations

from lokal import parse_phone

from app.core.errors import ValidationFailed
from app.core.i18n import _

#: lokal-id's reasons (Indonesian only) by their codes, as Balai's own texts (translated like every other message).
_REASONS = {
    ("format", None): _("A number starts with 0, 62 or +62."),
    ("length", "mobile"): _("A mobile number has 10-13 digits (including the leading 0)."),
}
_INVALID = _("Invalid phone number.")


def normalise_mobile(raw: str, *, field: str = "phone") -> str:
    """``+62…`` for a valid mobile number; a 422 naming the field otherwise (landlines cannot get SMS/OTP)."""
    info = parse_phone(raw)
    if not info.valid or info.e164 is None:
        code = info.errors[0].code if info.errors else None
        reason = _REASONS.get((code, info.type)) or _REASONS.get((code, None)) or _INVALID
        raise ValidationFailed("Invalid phone number.", errors={field: [reason]}, code="invalid_phone")
    if info.type != "mobile":
        raise ValidationFailed(
            "A mobile number is required.",
            errors={field: ["Use a mobile number, not a home or office landline."]},
            code="mobile_required",
        )
    return info.e164


def try_normalise(raw: str) -> str | None:
    info = parse_phone(raw)
    return info.e164 if info.valid else None
