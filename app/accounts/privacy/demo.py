"""Demo data: the first privacy notice, so a fresh `make run` serves one (`GET /privacy/notice`) as production must."""

from __future__ import annotations

from sqlalchemy import select

from app.accounts.privacy import consent
from app.accounts.privacy.models import PrivacyNotice
from app.demo import demo_seeder
from app.extensions import db

DEMO_VERSION = "2026-12"


@demo_seeder
def seed_privacy_notice() -> None:
    if db.session.scalar(select(PrivacyNotice.id).limit(1)) is not None:
        return
    consent.publish(
        actor_id=None,
        data={
            "version": DEMO_VERSION,
            "title_id": "Pemberitahuan Privasi Balai",
            "title_en": "Balai privacy notice",
            "body_id": "Balai menyimpan nama, nomor HP, wilayah tempat tinggal, aduan dan jawaban survei Anda untuk "
            "melayani permintaan Anda (UU 27/2022). Anda dapat mengunduh atau menghapus data Anda di aplikasi.",
            "body_en": "Balai keeps your name, phone number, home area, complaints and survey answers to serve your "
            "requests (Law 27/2022). You can download or delete your data in the app.",
        },
    )
