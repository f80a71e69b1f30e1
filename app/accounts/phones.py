"""Indonesian mobile numbers, normalised to E.164 with lokal-id."""

from __future__ import annotations

from lokal import parse_phone

from app.core.errors import ValidationFailed


def normalise_mobile(raw: str, *, field: str = "phone") -> str:
    """``+62…`` for a valid mobile number; a 422 naming the field otherwise (landlines cannot get SMS/OTP)."""
    info = parse_phone(raw)
    if not info.valid or info.e164 is None:
        reason = info.errors[0].message if info.errors else "Nomor telepon tidak valid."
        raise ValidationFailed("Invalid phone number.", errors={field: [reason]}, code="invalid_phone")
    if info.type != "mobile":
        raise ValidationFailed(
            "A mobile number is required.",
            errors={field: ["Gunakan nomor HP, bukan nomor telepon rumah/kantor."]},
            code="mobile_required",
        )
    return info.e164


def try_normalise(raw: str) -> str | None:
    info = parse_phone(raw)
    return info.e164 if info.valid else None
