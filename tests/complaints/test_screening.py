"""Screening at submission: abusive words through spelling games, personal data found and masked, never a rejection."""

from __future__ import annotations

import lokal
import pytest

from complaints.intake import pii
from complaints.intake.screening import FLAG_ABUSIVE, FLAG_PII, abusive_terms, screen
from tests.complaints.helpers import body
from tests.factories import login, resident


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("dasar anjing", ["anjing"]),
        ("dasar 4nj1ng lu", ["anjing"]),
        ("ANJIIIING!!!", ["anjing"]),
        ("a.n.j.i.n.g", ["anjing"]),
        ("a n j i n g", ["anjing"]),
        ("4 n j 1 n g", ["anjing"]),
        ("@nj!ng", ["anjing"]),
        ("b4ngs4t", ["bangsat"]),
        ("B A N G S A T", ["bangsat"]),
        ("k0nt0l", ["kontol"]),
        ("to1o1 banget", ["tolol"]),
        ("g0bl0kkk", ["goblok"]),
        ("dibego-begoin terus", ["bego"]),
        ("bangsatnya lurah", ["bangsat"]),
        ("ánjíng", ["anjing"]),
        ("\u0430njing", ["anjing"]),  # Cyrillic a
        ("jancuk", ["jancuk"]),
        ("petugasnya goblok dan brengsek", ["goblok", "brengsek"]),
    ],
)
def test_abusive_words_are_found_through_look_alikes(text, expected):
    assert abusive_terms(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Tali jemuran putus di gang",
        "Babinsa sudah datang ke lokasi",
        "Mohon kontrol jalan setiap minggu",
        "Mobil sedan parkir di trotoar",
        "Lampu jalan mati di RT 05 RW 03",
        "Saluran tersumbat sejak 3 bulan",
        "Ada asumsi bahwa dinas lambat",
        "Kata mereka sabar saja",
    ],
)
def test_ordinary_words_are_not_flagged(text):
    assert abusive_terms(text) == []


def test_personal_data_is_flagged_and_masked():
    result = screen(
        title="Hubungi 0812-3456-7890",
        description="NIK saya 3273012345670001, email budi.santoso@gmail.com, plat D 1234 ABC.",
        address="Jl. Sukajadi 10",
    )
    assert result.flags == [FLAG_PII]
    assert result.pii_types == ["EMAIL", "NIK", "PHONE", "PLATE"]
    assert result.texts["title"].public == "Hubungi [nomor telepon disembunyikan]"
    desc = result.texts["description"].public
    assert "3273012345670001" not in desc and "budi.santoso" not in desc and "1234 ABC" not in desc
    assert "[NIK disembunyikan]" in desc and "[e-mail disembunyikan]" in desc
    assert result.texts["address"].public is None  # nothing to mask: the original is the public text


def test_names_and_street_addresses_are_not_personal_data_here():
    result = screen(
        title="Jalan rusak di depan rumah Pak Budi", description="Di Jl. Merdeka No. 10, RT 03.", address=None
    )
    assert result.flags == []


def test_both_flags_together():
    result = screen(title="Petugas bangsat", description="Telepon saya 081234567890 segera", address=None)
    assert result.flags == [FLAG_ABUSIVE, FLAG_PII]
    assert result.abusive_terms == ["bangsat"]


CORPUS = [
    "Jalan berlubang di depan SD Negeri 5 RT 03 RW 05, sudah 3 bulan. Lokasi dekat warung Bu Iin.",
    "Hubungi saya di 081234567890 atau budi@mail.com, NIK 3273012345670001, plat D 1234 ABC, rek BCA 1234567890",
    "hubungi budi(at)gmail(dot)com atau wa 0812 3456 7890, rekening bri 0123-01-012345-50-1",
    "npwp 01.234.567.8-901.000 dan kartu 4111 1111 1111 1111, paspor A1234567",
    "No HP: nol delapan satu dua tiga empat lima enam tujuh delapan sembilan",
    "Nama: Siti Aminah\nNIK: 3201011508950001\nNo. KK: 3201010101010001\nHP: +62 812-3456-7890",
    "Sampah menumpuk 😡 hubungi 0813-1111-2222 ya 🙏 NIK 3201011508950001",
    "SIM 1234-5678-901234 dan BPJS 0001234567890",
    "<p>Telp: 021-5551234</p><p>Email: x@y.co.id</p>",
    "nama,nik,hp\nBudi,3273012345670001,081234567890",
    "Tidak ada data pribadi di sini, hanya jalan rusak.",
    "",
]


@pytest.mark.parametrize("text", CORPUS)
def test_fast_detection_matches_lokal(text):
    expected = [(m.type, m.start, m.end, m.value) for m in lokal.detect_pii(text, types=pii.PII_TYPES)]
    assert [(m.type, m.start, m.end, m.value) for m in pii.find_pii(text)] == expected


def test_reporter_name_is_masked_for_the_public():
    assert pii.masked_name("Siti Rahmawati") == "S*** R***"
    assert pii.masked_name("  ") == "Warga"


def test_submission_is_flagged_never_rejected(client):
    user = resident()
    resp = client.post(
        "/api/v1/complaints",
        json=body(title="Dinas g0bl0k, jalan rusak", description="Hubungi 081234567890, jalan ini rusak parah."),
        headers=login(user),
    )
    assert resp.status_code == 201
    from app.extensions import db
    from complaints.intake.models import Complaint

    c = db.session.get(Complaint, resp.get_json()["id"])
    assert c.is_flagged is True
    assert c.screening == {"flags": [FLAG_ABUSIVE, FLAG_PII], "abusive_terms": ["goblok"], "pii_types": ["PHONE"]}
    assert c.description == "Hubungi 081234567890, jalan ini rusak parah."  # the original is kept
    assert c.public_description == "Hubungi [nomor telepon disembunyikan], jalan ini rusak parah."
    assert resp.get_json()["description"] == c.description  # the reporter sees what they wrote
    assert "screening" not in resp.get_json()  # flags are for moderators
