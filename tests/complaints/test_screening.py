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
    assert [(m.type, m.start, m.end, m.value) for m in pii.lokal_pii(text)] == expected


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


#: Spellings lokal-id 0.7 misses, as residents write them; each must be masked whole and flagged.
@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        # NIK / KK in groups, with or without a cue word
        ("NIK saya 3273.0115.0885.0001 mohon dicek", "NIK", "3273.0115.0885.0001"),
        ("data: 3273.0115.0885.0001", "NIK", "3273.0115.0885.0001"),
        ("nik 32.73.01.150885.0001", "NIK", "32.73.01.150885.0001"),
        ("KTP 3273.0115.0885.0001", "NIK", "3273.0115.0885.0001"),
        ("no KK 3273.0101.0101.0001", "KK", "3273.0101.0101.0001"),
        ("kartu keluarga 3273 0101 0101 0001", "KK", "3273 0101 0101 0001"),
        # mobile numbers: +62, 62, 0, or a bare 8… after a cue word; spaces, dots, hyphens, parentheses
        ("telp 812 3456 7890 sore", "PHONE", "812 3456 7890"),
        ("HP 812.3456.7890", "PHONE", "812.3456.7890"),
        ("hp/wa 812-3456-7890", "PHONE", "812-3456-7890"),
        ("WA saya 81234567890", "PHONE", "81234567890"),
        ("kontak: 8123 4567 890", "PHONE", "8123 4567 890"),
        ("tlp (+62) 812 3456 7890", "PHONE", "(+62) 812 3456 7890"),
        ("(62) 812-3456-7890 a.n. Budi", "PHONE", "(62) 812-3456-7890"),
        ("+62 (812) 3456 7890", "PHONE", "+62 (812) 3456 7890"),
        ("HP 0812-345-67890", "PHONE", "0812-345-67890"),
        ("hp 0812 345 678 90", "PHONE", "0812 345 678 90"),
        ("wa 0812 - 3456 - 7890", "PHONE", "0812 - 3456 - 7890"),
        ("telp kantor 022 555 1234", "PHONE", "022 555 1234"),
        # e-mail with a spaced at/dot
        ("email budi at gmail dot com", "EMAIL", "budi at gmail dot com"),
        ("kirim ke budi.s AT yahoo DOT co DOT id", "EMAIL", "budi.s AT yahoo DOT co DOT id"),
        ("budi at gmail.com", "EMAIL", "budi at gmail.com"),
    ],
)
def test_real_world_spellings_are_masked_and_flagged(text, kind, value):
    result = screen(title="Jalan rusak", description=text, address=None)
    assert result.flags == [FLAG_PII] and result.pii_types == [kind]
    public = result.texts["description"].public
    assert value not in public and pii.LABELS[kind] in public
    assert text.replace(value, pii.LABELS[kind]) == public  # the whole number, not a part of it


@pytest.mark.parametrize(
    "text",
    [
        "HP 62 812 3456 7890",
        "WA: +62 812 3456 7890.",
        "Telp/WA: 0812 3456 7890",
        "wa.me/6281234567890",
        "https://api.whatsapp.com/send?phone=6281234567890",
        "budi [at] gmail [dot] com",
        "NIK: 3273.0115.0885.0001",
        "NIK 3273-0115-0885-0001",
    ],
)
def test_spellings_lokal_finds_stay_found(text):
    assert screen(title=None, description=text, address=None).flags == [FLAG_PII]


@pytest.mark.parametrize(
    "text",
    [
        "Biaya perbaikan Rp 1.500.000, anggaran Rp 2.500.000.000",
        "Total Rp 1.234.567.890.123.456 (anggaran provinsi)",
        "Sejak tanggal 12.05.2024, lahir 15.08.1985",
        "Lampu mati di RT 003 RW 005, RT 03/RW 05",
        "Nomor aduan ADU-2026-000123 belum dijawab",
        "Pemadaman jam 08.00-12.00 dan 13.00 - 15.00",
        "Tahun 2021 2022 2023 2024 banjir terus",
        "Jl. Merdeka No. 812, kode pos 40162",
        "Resi JNE 0123 4567 8901 2345",
        "Dokumen 1234.5678.9012.3456",
        "Rapat at kantor desa, nomor 1 sampai 5",
        "Tinggi genangan 8123 mm, KM 812",
    ],
)
def test_amounts_dates_rt_rw_and_tracking_numbers_are_not_personal_data(text):
    assert screen(title=None, description=text, address=None).flags == []


def test_dotted_nik_is_masked_in_public_and_flagged_for_moderators(client):
    resp = client.post(
        "/api/v1/complaints",
        json=body(
            title="Bantuan sosial tidak cair",
            description="NIK saya 3273.0115.0885.0001, hubungi HP 62 812 3456 7890 atau telp 812 9876 5432.",
        ),
        headers=login(resident()),
    )
    assert resp.status_code == 201
    from app.extensions import db
    from complaints.intake.models import Complaint

    c = db.session.get(Complaint, resp.get_json()["id"])
    assert c.is_flagged is True and c.screening["pii_types"] == ["NIK", "PHONE"]
    assert c.public_description == (
        "NIK saya [NIK disembunyikan], hubungi HP [nomor telepon disembunyikan] atau telp "
        "[nomor telepon disembunyikan]."
    )
