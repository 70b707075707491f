"""Every text the kiosk shows, in Indonesian (default) and English."""

from __future__ import annotations

from shared.i18n import Catalogue

TEXTS = {
    "welcome.title": {"id": "Selamat datang", "en": "Welcome"},
    "welcome.subtitle": {
        "id": "Ambil nomor antrean untuk layanan yang Anda perlukan",
        "en": "Take a queue number for the service you need",
    },
    "welcome.start": {"id": "Sentuh untuk mulai", "en": "Touch to start"},
    "agencies.title": {"id": "Pilih instansi", "en": "Choose an agency"},
    "agencies.waiting": {"id": "{n} menunggu", "en": "{n} waiting"},
    "agencies.closed": {"id": "Tutup", "en": "Closed"},
    "services.title": {"id": "Pilih layanan", "en": "Choose a service"},
    "services.waiting": {
        "id": "{n} orang menunggu · perkiraan ±{m} menit",
        "en": "{n} people waiting · about {m} min",
    },
    "services.nobody": {"id": "Tidak ada yang menunggu", "en": "Nobody waiting"},
    "services.closed": {"id": "Tutup", "en": "Closed"},
    "services.unstaffed": {"id": "Belum ada loket", "en": "No counter yet"},
    "services.full": {"id": "Kuota hari ini habis", "en": "Today's quota is used up"},
    "services.info": {"id": "Persyaratan", "en": "Requirements"},
    "standard.requirements": {"id": "Persyaratan", "en": "Requirements"},
    "standard.fee": {"id": "Biaya", "en": "Fee"},
    "standard.completion": {"id": "Waktu penyelesaian", "en": "Time to complete"},
    "standard.check": {
        "id": "Pastikan dokumen Anda lengkap sebelum mengambil nomor antrean.",
        "en": "Please check you have every document before taking a number.",
    },
    "standard.take": {"id": "Ambil nomor antrean", "en": "Take a number"},
    "priority.title": {"id": "Apakah Anda termasuk prioritas?", "en": "Do you need priority?"},
    "priority.none": {"id": "Tidak, antrean umum", "en": "No, regular line"},
    "priority.elderly": {"id": "Lansia (60 tahun ke atas)", "en": "Elderly (60 and over)"},
    "priority.disabled": {"id": "Penyandang disabilitas", "en": "Person with a disability"},
    "priority.pregnant": {"id": "Ibu hamil", "en": "Pregnant woman"},
    "priority.child": {"id": "Membawa anak balita", "en": "With a small child"},
    "issuing.title": {"id": "Mohon tunggu…", "en": "Please wait…"},
    "issuing.subtitle": {
        "id": "Nomor antrean Anda sedang dibuat",
        "en": "Your number is being made",
    },
    "ticket.your_number": {"id": "Nomor antrean Anda", "en": "Your queue number"},
    "ticket.ahead": {"id": "Antrean di depan Anda: {n}", "en": "People ahead of you: {n}"},
    "ticket.wait": {
        "id": "Perkiraan waktu tunggu: ±{m} menit",
        "en": "Estimated wait: about {m} min",
    },
    "ticket.next": {"id": "Anda berikutnya", "en": "You are next"},
    "ticket.soon": {"id": "Perkiraan waktu tunggu: segera", "en": "Estimated wait: soon"},
    "ticket.closed": {
        "id": "Belum ada loket yang buka — nomor Anda tetap tercatat",
        "en": "No counter is open yet — your number stays in line",
    },
    # No longer than "ticket.closed": one line on a portrait 1080x1920 screen too.
    "ticket.paused": {
        "id": "Loket sedang istirahat — nomor Anda tetap tercatat",
        "en": "Counters on a break — your number stays in line",
    },
    "ticket.break": {
        "id": "Loket sedang istirahat — perkiraan tunggu: ±{m} menit",
        "en": "Counters on a break — estimated wait: about {m} min",
    },
    "ticket.area": {"id": "Tunggu di: {area}", "en": "Wait at: {area}"},
    "ticket.printed": {
        "id": "Silakan ambil tiket Anda di bawah dan tunggu nomor Anda dipanggil.",
        "en": "Please take your ticket below and wait for your number to be called.",
    },
    "ticket.not_printed": {
        "id": "Printer sedang bermasalah. Silakan foto layar ini atau minta bantuan petugas.",
        "en": "The printer has a problem. Please photograph this screen or ask staff for help.",
    },
    "ticket.done": {"id": "Selesai", "en": "Done"},
    "message.back": {"id": "Kembali", "en": "Back"},
    "unavailable.title": {
        "id": "Layanan sementara tidak tersedia",
        "en": "Service temporarily unavailable",
    },
    "unavailable.subtitle": {
        "id": "Mohon tunggu sebentar atau hubungi petugas informasi.",
        "en": "Please wait a moment or ask the information desk.",
    },
    "unavailable.no_ticket": {
        "id": "Nomor antrean belum dibuat. Layar ini kembali sendiri setelah layanan pulih.",
        "en": "No number was made. This screen comes back by itself once the service is up.",
    },
    "ticket.photo": {
        "id": "Tiket Anda (tunjukkan kepada petugas)",
        "en": "Your ticket (show it to staff)",
    },
    "pin.title": {"id": "Keluar dari kios", "en": "Leave the kiosk"},
    "pin.prompt": {"id": "Masukkan PIN admin", "en": "Enter the admin PIN"},
    "pin.wrong": {"id": "PIN salah", "en": "Wrong PIN"},
    "pin.ok": {"id": "OK", "en": "OK"},
    "pin.cancel": {"id": "Batal", "en": "Cancel"},
    "pin.erase": {"id": "Hapus", "en": "Erase"},
    "welcome.booked": {
        "id": "Sudah booking? Check-in di sini",
        "en": "Already booked? Check in here",
    },
    "check_in.title": {"id": "Check-in pemesanan", "en": "Booking check-in"},
    "check_in.prompt": {
        "id": "Ketik kode pemesanan Anda, atau pindai kode QR-nya di pemindai",
        "en": "Type your booking code, or hold its QR code to the scanner",
    },
    "check_in.erase": {"id": "Hapus", "en": "Erase"},
    "check_in.submit": {"id": "Check-in", "en": "Check in"},
    "check_in.already.title": {"id": "Anda sudah check-in", "en": "You have already checked in"},
    "check_in.already.text": {
        "id": "Nomor antrean Anda tetap sama. Tidak ada tiket baru yang dicetak.",
        "en": "Your queue number stays the same. No new ticket was printed.",
    },
    "check_in.early.title": {"id": "Belum waktunya check-in", "en": "Too early to check in"},
    "check_in.early.today": {
        "id": "Silakan kembali pukul {time}.",
        "en": "Please come back at {time}.",
    },
    "check_in.early.day": {
        "id": "Silakan kembali pada {date} pukul {time}.",
        "en": "Please come back on {date} at {time}.",
    },
    "check_in.late.title": {"id": "Waktu check-in sudah lewat", "en": "Check-in has closed"},
    "check_in.late.text": {
        "id": "Check-in untuk jadwal Anda ditutup pukul {time}. Silakan ambil nomor antrean biasa.",
        "en": "Check-in for your slot closed at {time}. Please take a regular number.",
    },
    "check_in.cancelled.title": {
        "id": "Pemesanan ini sudah dibatalkan",
        "en": "This booking was cancelled",
    },
    "check_in.no_show.title": {"id": "Pemesanan ini sudah lewat", "en": "This booking has passed"},
    "check_in.ended.text": {
        "id": "Silakan ambil nomor antrean biasa, atau pesan lagi.",
        "en": "Please take a regular number, or book again.",
    },
    "check_in.not_found.title": {"id": "Kode tidak ditemukan", "en": "Code not found"},
    "check_in.not_found.text": {
        "id": "Periksa kembali kode pemesanan Anda (8 huruf dan angka, mis. K7QM-3XHD).",
        "en": "Please check your booking code (8 letters and digits, e.g. K7QM-3XHD).",
    },
    "check_in.refused.title": {
        "id": "Check-in tidak dapat dilakukan",
        "en": "Cannot check in now",
    },
    "check_in.retry": {"id": "Ketik ulang kode", "en": "Type the code again"},
    "ticket.booking": {"id": "BOOKING – JADWAL {time}", "en": "BOOKING – SLOT {time}"},
    "nav.back": {"id": "‹ Kembali", "en": "‹ Back"},
    "nav.home": {"id": "Beranda", "en": "Home"},
    "nav.language": {"id": "English", "en": "Bahasa Indonesia"},
}

CATALOGUE = Catalogue(TEXTS)


def tr(key: str, language: str, **params: object) -> str:
    return CATALOGUE.text(key, language, **params)
