"""Every text the counter client shows, in Indonesian (default) and English."""

from __future__ import annotations

from shared.errors import ErrorCode
from shared.i18n import Catalogue

TEXTS = {
    "app.title": {"id": "Antre — Loket", "en": "Antre — Counter"},
    # login
    "login.title": {"id": "Masuk petugas loket", "en": "Counter officer login"},
    "login.username": {"id": "Nama pengguna", "en": "User name"},
    "login.password": {"id": "Kata sandi", "en": "Password"},
    "login.submit": {"id": "Masuk", "en": "Log in"},
    "login.checking": {"id": "Memeriksa…", "en": "Checking…"},
    "login.server": {"id": "Server: {url}", "en": "Server: {url}"},
    "login.empty": {
        "id": "Isi nama pengguna dan kata sandi.",
        "en": "Enter your user name and password.",
    },
    "login.locked": {
        "id": "Terlalu banyak percobaan yang salah. Akun dikunci sementara; "
        "coba lagi dalam {wait}.",
        "en": "Too many wrong attempts. The account is locked for now; try again in {wait}.",
    },
    "login.no_agency": {
        "id": "Akun ini tidak terikat pada satu instansi. Masuk dengan akun petugas loket.",
        "en": "This account belongs to no agency. Log in with a counter officer's account.",
    },
    "device.refused": {
        "id": "Token perangkat PC ini ([device] token) ditolak server; monitor aula melihat PC "
        "ini diam. Minta admin memeriksa perangkatnya.",
        "en": "The server refused this PC's device token ([device] token); the hall monitor "
        "sees this PC as silent. Ask an admin to check the device.",
    },
    # picking a counter
    "pick.title": {"id": "Pilih loket", "en": "Choose a counter"},
    "pick.subtitle": {
        "id": "{agency} — pilih loket tempat Anda bertugas hari ini",
        "en": "{agency} — choose the counter you work at today",
    },
    "pick.open": {"id": "Buka loket", "en": "Open counter"},
    "pick.taken": {"id": "Dipakai petugas lain", "en": "In use by another officer"},
    "pick.mine": {"id": "Dibuka oleh Anda", "en": "Opened by you"},
    "pick.none": {
        "id": "Instansi Anda belum memiliki loket. Hubungi admin MPP.",
        "en": "Your agency has no counter yet. Please ask the MPP admin.",
    },
    # header
    "header.officer": {"id": "Petugas: {name}", "en": "Officer: {name}"},
    "header.language": {"id": "English", "en": "Bahasa Indonesia"},
    "header.compact": {"id": "Mode ringkas", "en": "Compact mode"},
    "header.logout": {"id": "Keluar", "en": "Log out"},
    "counter.open": {"id": "Buka", "en": "Open"},
    "counter.paused": {"id": "Istirahat", "en": "Paused"},
    "counter.closed": {"id": "Tutup", "en": "Closed"},
    # the current ticket
    "ticket.current": {"id": "Nomor sekarang", "en": "Current number"},
    "ticket.none": {"id": "Belum ada nomor dipanggil", "en": "No number called"},
    "ticket.none_hint": {
        "id": "Tekan Berikutnya ({shortcut}) untuk memanggil nomor berikutnya.",
        "en": "Press Next ({shortcut}) to call the next number.",
    },
    "ticket.paused_hint": {
        "id": "Loket sedang istirahat. Tekan Lanjutkan ({shortcut}) untuk melayani lagi.",
        "en": "The counter is paused. Press Resume ({shortcut}) to serve again.",
    },
    "ticket.called": {"id": "Dipanggil ({n}×)", "en": "Called ({n}×)"},
    "ticket.serving": {"id": "Sedang dilayani", "en": "Being served"},
    "ticket.waited": {"id": "Menunggu", "en": "Waited"},
    "ticket.since_call": {"id": "Sejak dipanggil", "en": "Since called"},
    "ticket.service_time": {"id": "Lama layanan", "en": "Service time"},
    "ticket.sent_here": {"id": "Dialihkan ke loket ini", "en": "Sent to this counter"},
    "ticket.no_show_after": {
        "id": "Tidak hadir dapat ditandai setelah dipanggil {n}×",
        "en": "No-show can be marked after {n} calls",
    },
    "priority.mark": {"id": "PRIORITAS", "en": "PRIORITY"},
    "priority.elderly": {"id": "Lansia", "en": "Elderly"},
    "priority.disabled": {"id": "Disabilitas", "en": "Disability"},
    "priority.pregnant": {"id": "Ibu hamil", "en": "Pregnant"},
    "priority.child": {"id": "Anak balita", "en": "Small child"},
    # actions
    "action.next": {"id": "Berikutnya", "en": "Next"},
    "action.recall": {"id": "Panggil ulang", "en": "Recall"},
    "action.start": {"id": "Mulai layani", "en": "Start"},
    "action.finish": {"id": "Selesai", "en": "Finish"},
    "action.no-show": {"id": "Tidak hadir", "en": "No-show"},
    "action.transfer": {"id": "Alihkan", "en": "Transfer"},
    "action.pause": {"id": "Istirahat", "en": "Pause"},
    "action.resume": {"id": "Lanjutkan", "en": "Resume"},
    "action.close": {"id": "Tutup loket", "en": "Close counter"},
    "action.call": {"id": "Panggil nomor ini", "en": "Call this number"},
    "action.requeue": {"id": "Kembalikan ke antrean", "en": "Put back in line"},
    "action.open": {"id": "Buka loket", "en": "Open counter"},
    # the waiting list
    "list.title": {"id": "Antrean menunggu", "en": "Waiting"},
    "list.summary": {
        "id": "{n} menunggu · terlama {wait}",
        "en": "{n} waiting · longest {wait}",
    },
    "list.empty": {"id": "Tidak ada yang menunggu", "en": "Nobody is waiting"},
    "list.count": {"id": "{n} menunggu", "en": "{n} waiting"},
    "list.number": {"id": "Nomor", "en": "Number"},
    "list.service": {"id": "Layanan", "en": "Service"},
    "list.note": {"id": "Keterangan", "en": "Note"},
    "list.waiting": {"id": "Menunggu", "en": "Waiting"},
    "list.turn": {"id": "Ke-", "en": "#"},
    "list.order_hint": {
        "id": "Urutan panggilan: baris teratas dipanggil berikutnya (F1).",
        "en": "Calling order: the top row is called next (F1).",
    },
    # the note's longer wording, when the pointer rests on it
    "list.why.transferred": {
        "id": "Dialihkan ke loket ini oleh petugas: dipanggil lebih dulu.",
        "en": "Sent to this counter by an officer: called first.",
    },
    "list.why.booking": {
        "id": "Antrean online; jadwalnya ({time}) sudah tiba: dipanggil lebih dulu.",
        "en": "Online booking; its slot ({time}) has come: called first.",
    },
    "list.why.priority": {
        "id": "Antrean prioritas (UU 25/2009): dipanggil pada gilirannya.",
        "en": "Priority visitor (UU 25/2009): called on the priority turn.",
    },
    # Short: the service's name shares the row.
    "list.reason.transferred": {"id": "→ loket ini", "en": "→ this counter"},
    "list.reason.booking": {"id": "Online {time}", "en": "Booked {time}"},
    "noshow.title": {"id": "Tidak hadir hari ini", "en": "No-shows today"},
    "noshow.empty": {"id": "Belum ada", "en": "None yet"},
    "noshow.entry": {"id": "{number} · {service}", "en": "{number} · {service}"},
    # today at this counter
    "stats.served": {"id": "Dilayani hari ini", "en": "Served today"},
    "stats.served_since_login": {"id": "Dilayani sejak masuk", "en": "Served since login"},
    "stats.average": {"id": "Rata-rata layanan", "en": "Average service"},
    # connection
    "status.online": {"id": "Tersambung", "en": "Connected"},
    "status.offline": {
        "id": "Terputus dari server — menyambung ulang… Tombol tidak mengirim apa pun "
        "sampai tersambung kembali.",
        "en": "Disconnected from the server — reconnecting… Buttons send nothing until "
        "the connection is back.",
    },
    "status.offline_short": {"id": "Terputus", "en": "Offline"},
    "status.sending": {"id": "Mengirim…", "en": "Sending…"},
    # what happened
    "done.next": {"id": "Memanggil {number}", "en": "Calling {number}"},
    "done.next_nobody": {"id": "Tidak ada yang menunggu.", "en": "Nobody is waiting."},
    "done.recall": {"id": "Memanggil ulang {number}", "en": "Calling {number} again"},
    "done.start": {"id": "Melayani {number}", "en": "Serving {number}"},
    "done.finish": {"id": "{number} selesai dilayani", "en": "{number} finished"},
    "done.no-show": {"id": "{number} ditandai tidak hadir", "en": "{number} marked no-show"},
    "done.transfer": {"id": "{number} dialihkan ke {target}", "en": "{number} sent to {target}"},
    "check_in.field": {"id": "Kode booking", "en": "Booking code"},
    "check_in.button": {"id": "Check-in booking", "en": "Check in booking"},
    "check_in.bad_code": {
        "id": "Kode booking terdiri dari 8 huruf dan angka, mis. K7QM-3XHD.",
        "en": "A booking code has 8 letters and digits, e.g. K7QM-3XHD.",
    },
    "check_in.done": {
        "id": "Booking {code} check-in: nomor antrean {number}",
        "en": "Booking {code} checked in: queue number {number}",
    },
    "check_in.already": {
        "id": "Booking {code} sudah check-in sebelumnya: nomor antrean {number}",
        "en": "Booking {code} was checked in before: queue number {number}",
    },
    "check_in.early": {
        "id": "Booking {code} belum bisa check-in: mulai {date} pukul {time}.",
        "en": "Booking {code} cannot check in yet: from {date} at {time}.",
    },
    "check_in.late": {
        "id": "Waktu check-in booking {code} sudah lewat (ditutup pukul {time}).",
        "en": "Check-in for booking {code} closed at {time}.",
    },
    "officer.check_in.not_found": {
        "id": "Kode booking tidak ditemukan.",
        "en": "Booking code not found.",
    },
    "officer.check_in.forbidden": {
        "id": "Booking ini untuk layanan instansi lain.",
        "en": "This booking is for another agency's service.",
    },
    "officer.check_in.booking_not_active": {
        "id": "Booking ini sudah dibatalkan atau lewat (tidak hadir).",
        "en": "This booking was cancelled or has passed (no-show).",
    },
    "done.requeue": {
        "id": "{number} dikembalikan ke antrean",
        "en": "{number} is back in line",
    },
    "done.pause": {"id": "Loket istirahat", "en": "Counter paused"},
    "done.resume": {"id": "Loket buka kembali", "en": "Counter open again"},
    "done.close": {"id": "{counter} ditutup", "en": "{counter} closed"},
    "done.open": {"id": "{counter} dibuka", "en": "{counter} is open"},
    "refused.offline": {
        "id": "Tidak tersambung ke server: “{action}” tidak dikirim. "
        "Tekan lagi setelah tersambung.",
        "en": "Not connected to the server: “{action}” was not sent. "
        "Press it again once connected.",
    },
    "refused.busy": {
        "id": "Sebentar — tindakan sebelumnya masih dikirim.",
        "en": "One moment — the previous action is still being sent.",
    },
    "refused.settle": {
        "id": "{number} baru saja dipanggil. Tekan sekali lagi bila memang ingin melanjutkan.",
        "en": "{number} was only just called. Press again if you really mean to go on.",
    },
    "refused.not_allowed": {
        "id": "“{action}” tidak dapat dilakukan sekarang.",
        "en": "“{action}” is not possible now.",
    },
    "refused.choose": {
        "id": "Pilih dulu nomor di daftar.",
        "en": "Choose a number in the list first.",
    },
    "refused.logout_busy": {
        "id": "Selesaikan atau alihkan nomor yang sedang dilayani sebelum keluar.",
        "en": "Finish or transfer the current number before logging out.",
    },
    "error.unreachable": {
        "id": "Server tidak menjawab. Tampilan diperbarui begitu tersambung; "
        "periksa nomor sekarang sebelum menekan lagi.",
        "en": "The server did not answer. The view refreshes once connected; "
        "check the current number before pressing again.",
    },
    "error.login_unreachable": {
        "id": "Server tidak dapat dihubungi. Periksa jaringan lalu coba lagi.",
        "en": "Cannot reach the server. Check the network and try again.",
    },
    "session.expired": {
        "id": "Sesi Anda sudah berakhir. Silakan masuk lagi.",
        "en": "Your session has ended. Please log in again.",
    },
    "session.logged_out": {"id": "Anda sudah keluar.", "en": "You are logged out."},
    "counter.taken_over": {
        "id": "{counter} diambil alih oleh admin atau supervisor. Perintah dari sini tidak "
        "berlaku lagi; pilih loket lain.",
        "en": "{counter} was taken over by an admin or supervisor. Commands from here no "
        "longer apply; choose another counter.",
    },
    "counter.closed_elsewhere": {
        "id": "{counter} ditutup dari tempat lain.",
        "en": "{counter} was closed from elsewhere.",
    },
    # transfer dialog
    "transfer.title": {"id": "Alihkan {number}", "en": "Transfer {number}"},
    "transfer.from": {"id": "Sekarang: {where}", "en": "Now: {where}"},
    "transfer.search": {
        "id": "Ketik untuk mencari layanan, instansi atau loket…",
        "en": "Type to find a service, agency or counter…",
    },
    "transfer.to_service": {"id": "Ke layanan", "en": "To a service"},
    "transfer.to_counter": {"id": "Ke loket tertentu", "en": "To one counter"},
    "transfer.no_match": {
        "id": "Tidak ada yang cocok dengan “{query}”.",
        "en": "Nothing matches “{query}”.",
    },
    "transfer.no_counters": {
        "id": "Tidak ada loket lain yang buka saat ini, jadi tidak ada loket yang dapat "
        "dipilih (pengunjung yang dialihkan ke loket tutup tidak akan dipanggil). Pilih "
        "layanannya di tab “Ke layanan”: pengunjung masuk antrean layanan itu.",
        "en": "No other counter is open now, so there is none to choose (a visitor sent to "
        "a closed counter would never be called). Choose its service under “To a "
        "service”: the visitor joins that line.",
    },
    "transfer.unstaffed": {"id": "tidak ada loket", "en": "no counter"},
    "transfer.choose": {
        "id": "Pilih tujuan di daftar (panah atas/bawah, lalu Enter).",
        "en": "Choose where to in the list (arrow keys, then Enter).",
    },
    "transfer.checking": {"id": "Memeriksa layanan ini…", "en": "Checking this service…"},
    "transfer.unknown": {
        "id": "Keadaan layanan ini tidak dapat diperiksa sekarang.",
        "en": "This service's state cannot be checked now.",
    },
    "transfer.line.open": {
        "id": "{counters} loket buka · {waiting} menunggu · perkiraan {minutes} menit",
        "en": "{counters} counter(s) open · {waiting} waiting · about {minutes} min",
    },
    "transfer.line.closed": {
        "id": "Layanan ini sedang tutup (di luar jam layanan atau hari libur). Pengunjung "
        "tidak dipanggil sampai layanan buka — sampaikan kepada pengunjung.",
        "en": "This service is closed now (outside its hours, or a holiday). The visitor "
        "is not called until it opens — tell the visitor.",
    },
    "transfer.line.no_counter": {
        "id": "Belum ada loket yang buka untuk layanan ini. Pengunjung baru dipanggil "
        "setelah sebuah loket dibuka — sampaikan kepada pengunjung.",
        "en": "No counter of this service is open now. The visitor is called only once "
        "one opens — tell the visitor.",
    },
    "transfer.line.break": {
        "id": "Loket layanan ini sedang istirahat. Pengunjung dipanggil setelah loket "
        "kembali — sampaikan kepada pengunjung.",
        "en": "The counters of this service are on a break. The visitor is called once "
        "one is back — tell the visitor.",
    },
    "transfer.line.unstaffed": {
        "id": "Tidak ada loket yang melayani layanan ini; pengalihan akan ditolak.",
        "en": "No counter serves this service; the transfer would be refused.",
    },
    "transfer.counter.open": {
        "id": "{counter} buka: pengunjung dipanggil di sana.",
        "en": "{counter} is open: the visitor is called there.",
    },
    "transfer.counter.paused": {
        "id": "{counter} sedang istirahat: pengunjung dipanggil setelah loket itu lanjut "
        "— sampaikan kepada pengunjung.",
        "en": "{counter} is paused: the visitor is called once it resumes — tell the visitor.",
    },
    "transfer.position": {"id": "Tempat di antrean tujuan", "en": "Place in the new line"},
    "transfer.back": {"id": "Belakang (urutan biasa)", "en": "Back (normal order)"},
    "transfer.front": {"id": "Depan (dipanggil lebih dulu)", "en": "Front (called first)"},
    "transfer.submit": {"id": "Alihkan", "en": "Transfer"},
    "transfer.submit_anyway": {"id": "Tetap alihkan", "en": "Transfer anyway"},
    "transfer.cancel": {"id": "Batal", "en": "Cancel"},
    "compact.expand": {"id": "Tampilan penuh", "en": "Full view"},
    "compact.expand_short": {"id": "Tampilan\npenuh", "en": "Full\nview"},
    "compact.none": {"id": "Belum ada nomor", "en": "No number yet"},
    "compact.choose_in_full": {
        "id": "“{action}” memakai nomor yang dipilih di daftar: buka tampilan penuh "
        "(Ctrl+M) lalu pilih nomornya.",
        "en": "“{action}” takes the number chosen in the list: open the full view (Ctrl+M) "
        "and choose it there.",
    },
    # asking before a no-show
    "noshow.confirm_title": {"id": "Tandai {number} tidak hadir?", "en": "Mark {number} no-show?"},
    "noshow.confirm_text": {
        "id": "{number} sudah dipanggil {n}× dan tidak datang ke loket. Giliran pengunjung ini "
        "berakhir; bila ia datang kemudian, pilih nomornya di “Tidak hadir hari ini” dan "
        "tekan F11 untuk mengembalikannya ke antrean.",
        "en": "{number} was called {n}× and did not come to the counter. The visitor's turn "
        "ends; if they come later, choose the number under “No-shows today” and press F11 "
        "to put them back in line.",
    },
    "noshow.dont_ask": {
        "id": "Jangan tanya lagi sampai saya keluar",
        "en": "Do not ask again until I log out",
    },
    "noshow.confirm": {"id": "Ya, tidak hadir", "en": "Yes, no-show"},
    "noshow.cancel": {"id": "Batal", "en": "Cancel"},
}

# The officer's wording for API errors where the shared (visitor-facing) text does not fit;
# ``(action, code)`` first, then ``code``.
OFFICER_ERRORS = {
    f"officer.{ErrorCode.UNAUTHENTICATED}": TEXTS["session.expired"],
    f"officer.{ErrorCode.CONFLICT}": {
        "id": "Nomor di loket ini sudah berubah (tombol ditekan dua kali, atau dari tempat "
        "lain). Tidak ada yang dilakukan; tampilan sudah diperbarui.",
        "en": "This counter's number has changed (a double press, or elsewhere). Nothing "
        "was done; the view is up to date again.",
    },
    f"officer.{ErrorCode.FORBIDDEN}": {
        "id": "Loket ini milik instansi lain. Anda hanya dapat melayani di loket instansi Anda.",
        "en": "This counter belongs to another agency. You can only serve at your "
        "agency's counters.",
    },
    f"officer.{ErrorCode.COUNTER_TAKEN}": {
        "id": "Loket ini sedang dipakai petugas lain. Pilih loket lain, atau minta petugas "
        "itu menutupnya dulu (atau supervisor mengambil alih).",
        "en": "Another officer is using this counter. Choose another, or ask them to close "
        "it first (or a supervisor to take it over).",
    },
    f"officer.{ErrorCode.INVALID_TRANSITION}": {
        "id": "Tindakan ini tidak sesuai dengan status nomor sekarang. Tampilan sudah diperbarui.",
        "en": "This action does not fit the number's state now. The view is up to date again.",
    },
    f"officer.{ErrorCode.NOT_FOUND}": {
        "id": "Loket atau nomor itu tidak ditemukan.",
        "en": "That counter or number was not found.",
    },
    f"officer.{ErrorCode.SERVICE_CLOSED}": {
        "id": "Layanan tujuan sedang tidak tersedia.",
        "en": "That service is not available now.",
    },
    f"officer.{ErrorCode.SERVICE_UNSTAFFED}": {
        "id": "Tidak ada loket yang melayani layanan tujuan, jadi pengunjung tidak akan "
        "dipanggil. Pilih layanan atau loket lain.",
        "en": "No counter serves that service, so the visitor would never be called. Choose "
        "another service or counter.",
    },
    "officer.requeue.invalid_transition": {
        "id": "Nomor ini tidak lagi berstatus tidak hadir.",
        "en": "This number is no longer a no-show.",
    },
    "officer.transfer.counter_closed": {
        "id": "Loket tujuan sedang tutup; pilih loket lain atau layanannya.",
        "en": "That counter is closed; choose another counter or its service.",
    },
}

CATALOGUE = Catalogue({**TEXTS, **OFFICER_ERRORS})


def tr(key: str, language: str, **params: object) -> str:
    return CATALOGUE.text(key, language, **params)


def error_text(code: str, language: str, action: str | None = None) -> str:
    """The officer's message for an API error code, specific to the action when needed."""
    for key in (f"officer.{action}.{code}", f"officer.{code}"):
        if CATALOGUE.has(key):
            return CATALOGUE.text(key, language)
    return CATALOGUE.error(code, language)
