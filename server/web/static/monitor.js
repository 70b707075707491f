/* The hall monitor: redraws from /monitor/data.json on every live event of the user's
   room (debounced) and every few seconds as a fallback; durations tick on the page's
   clock, corrected by the server's time in each reload. */
(function () {
  "use strict";
  var script = document.currentScript;
  var refreshMs = (parseInt(script.getAttribute("data-refresh"), 10) || 20) * 1000;
  var T = JSON.parse(document.getElementById("monitor-texts").textContent);
  var data = JSON.parse(document.getElementById("monitor-data").textContent);
  var offsetMs = 0;           /* server clock - page clock */
  var text = Antre.texts(T), el = Antre.el;

  function now() { return Date.now() + offsetMs; }
  function minutesSince(iso) {
    if (!iso) return null;
    return Math.max(0, Math.floor((now() - Date.parse(iso)) / 60000));
  }
  /* "10.21.05" in the hall's time zone, whatever the browser's. */
  function hallTime(iso) {
    try {
      return new Intl.DateTimeFormat("en-GB", { timeZone: data.timezone || "Asia/Jakarta",
        hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" })
        .format(new Date(iso)).replace(/:/g, ".");
    } catch (e) { return ""; }
  }
  function swatch(colour) {
    var s = el("span", "swatch");
    s.style.background = colour || "#37474F";
    return s;
  }
  function badge(kind, label) { return el("span", "badge " + kind, label); }

  function renderSummary() {
    var s = data.summary;
    document.getElementById("sum-counters").textContent = s.counters_open + "/" + s.counters;
    document.getElementById("sum-waiting").textContent = s.waiting;
    document.getElementById("sum-over").textContent = s.lines_over_target;
    document.getElementById("sum-devices").textContent = s.devices_in_trouble;
    document.getElementById("sum-over-tile").classList.toggle("alert", s.lines_over_target > 0);
    document.getElementById("sum-devices-tile").classList.toggle("alert", s.devices_in_trouble > 0);
  }

  /* Trouble first (over target, then people with no counter open), the rest in the
     hall's order; lines nobody waits in are hidden unless asked for (a hall has ~90). */
  function rank(line) { return line.over_target ? 0 : line.unserved ? 1 : 2; }
  function renderLines() {
    var body = document.querySelector("#lines tbody");
    var all = document.getElementById("all-lines").checked;
    body.textContent = "";
    var shown = data.lines.map(function (line, i) { return [rank(line), i, line]; })
      .filter(function (row) { return all || row[2].waiting > 0 || row[0] < 2; })
      .sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; })
      .map(function (row) { return row[2]; });
    if (!shown.length) {
      var empty = el("tr"), cell = el("td", "muted", text("none_waiting"));
      cell.colSpan = 8; empty.appendChild(cell); body.appendChild(empty);
    }
    shown.forEach(function (line) {
      var tr = el("tr");
      tr.dataset.serviceId = line.service_id;
      if (line.over_target) tr.className = "over";
      else if (line.unserved) tr.className = "unserved";
      var agency = el("td");
      agency.appendChild(swatch(line.agency.colour));
      agency.appendChild(document.createTextNode(line.agency.short_name));
      tr.appendChild(agency);
      tr.appendChild(el("td", null, line.service));
      tr.appendChild(el("td", "num waiting", line.waiting));
      var longest = line.waiting ? Math.floor(line.longest_wait_seconds / 60) : "–";
      tr.appendChild(el("td", "num" + (line.longest_over_target ? " bad" : ""), longest));
      tr.appendChild(el("td", "num" + (line.estimate_over_target ? " bad" : ""),
        line.waiting ? line.estimated_wait_minutes : "–"));
      tr.appendChild(el("td", "num", line.target_wait_minutes));
      tr.appendChild(el("td", "num", line.open_counters));
      var flag = el("td");
      if (line.over_target) flag.appendChild(badge("bad", text("over")));
      else if (line.on_break) flag.appendChild(badge("warn", text("on_break")));
      else if (line.unserved) flag.appendChild(badge("warn", text("unserved")));
      else if (line.waiting) flag.appendChild(badge("ok", text("ok")));
      tr.appendChild(flag);
      body.appendChild(tr);
    });
  }

  function renderCounters() {
    var box = document.getElementById("counters");
    box.textContent = "";
    if (!data.counters.length) box.appendChild(el("p", "muted", text("none_counters")));
    data.counters.forEach(function (c) {
      var tile = el("article", "counter " + c.state);
      tile.dataset.counterId = c.id;
      tile.style.borderTopColor = c.agency.colour || "#37474F";
      var head = el("header");
      head.appendChild(el("strong", "label", c.label));
      head.appendChild(badge(c.state === "open" ? "ok" : c.state === "paused" ? "warn" : "", text(c.state)));
      tile.appendChild(head);
      tile.appendChild(el("div", "agency muted", c.agency.short_name + " · " + c.zone));
      if (c.state !== "closed" || c.officer) tile.appendChild(el("div", "officer", c.officer || text("no_officer")));
      var t = c.ticket;
      if (t) {
        var line = el("div", "ticket " + t.state);
        line.appendChild(el("span", "number", t.number));
        var since = minutesSince(t.since);
        var what = text(t.state) + (since === null ? "" : " · " + text("for", { m: since }));
        if (t.state === "called" && t.call_count > 1) what += " · " + text("calls", { n: t.call_count });
        line.appendChild(el("span", "since", what));
        tile.appendChild(line);
        tile.appendChild(el("div", "service muted", t.service));
      } else if (c.state === "open") {
        tile.appendChild(el("div", "ticket none muted", text("idle")));
      }
      box.appendChild(tile);
    });
  }

  /* Devices in trouble only, unless all are asked for (a hall has ~80, mostly fine). */
  function trouble(d) { return d.silent || d.printer_fault || d.printer_warning; }
  function renderDevices() {
    var body = document.querySelector("#devices tbody");
    var all = document.getElementById("all-devices").checked;
    body.textContent = "";
    var sorted = data.devices.filter(function (d) { return all || trouble(d); }).sort(function (a, b) {
      return (b.silent || b.printer_fault) - (a.silent || a.printer_fault);
    });
    /* Registered but never started: neither fine nor in trouble (server.domain.monitor). */
    var fine = data.devices.filter(function (d) { return !trouble(d) && !d.never_seen; }).length;
    var never = data.summary.devices_never_seen;
    document.getElementById("devices-fine").textContent = text("devices_fine", { n: fine }) +
      (never ? " " + text("devices_never", { n: never }) : "");
    if (!sorted.length) {
      var empty = !data.devices.length ? "none_devices" : never ? "none_in_trouble" : "all_fine";
      var row = el("tr"), cell = el("td", "muted", text(empty));
      cell.colSpan = 5; row.appendChild(cell); body.appendChild(row);
    }
    sorted.forEach(function (d) {
      var tr = el("tr");
      tr.dataset.deviceId = d.id;
      if (d.silent || d.printer_fault) tr.className = "trouble";
      tr.appendChild(el("td", null, d.name));
      tr.appendChild(el("td", null, text(d.kind)));
      tr.appendChild(el("td", null, d.zone || "–"));
      var seen = el("td");
      var m = minutesSince(d.last_seen_at);
      var when = m === null ? text("never") : m < 1 ? text("just_now") : text("ago", { m: m });
      if (d.silent) seen.appendChild(badge("bad", text("silent")));
      if (d.never_seen) seen.appendChild(badge("", text("never_seen")));
      else seen.appendChild(document.createTextNode(" " + when));
      tr.appendChild(seen);
      var printer = el("td");
      if (d.printer) {
        var label = d.printer === "ok" ? text("printer_ok") : d.printer === "none" ? text("printer_none") : text(d.printer);
        printer.appendChild(badge(d.printer_fault ? "bad" : d.printer_warning ? "warn" : d.printer === "ok" ? "ok" : "", label));
        if (d.printer_message && d.printer_fault && d.printer_message !== label) {
          printer.appendChild(el("div", "muted small", d.printer_message));
        }
      } else {
        printer.textContent = "–";
      }
      tr.appendChild(printer);
      body.appendChild(tr);
    });
  }

  /* "Akun terkunci": shown only while a login lock holds (server.domain.login_throttle). */
  function renderLocks() {
    var locks = data.logins;
    var list = document.getElementById("locked-accounts");
    list.textContent = "";
    locks.locked_accounts.forEach(function (a) {
      var item = el("li");
      item.dataset.username = a.username;
      item.appendChild(el("strong", null, a.username));
      if (a.display_name && a.display_name !== a.username) {
        item.appendChild(document.createTextNode(" · " + a.display_name));
      }
      item.appendChild(el("span", "muted", " · " + text("locked_until", { t: hallTime(a.locked_until) })));
      list.appendChild(item);
    });
    var others = [];
    if (locks.locked_addresses) others.push(text("locked_addresses", { n: locks.locked_addresses }));
    if (locks.locked_unknown_names) others.push(text("locked_unknown", { n: locks.locked_unknown_names }));
    document.getElementById("locked-others").textContent = others.join(" · ");
    document.getElementById("locks").hidden =
      !(locks.locked_accounts.length || locks.locked_addresses || locks.locked_unknown_names);
  }

  /* A notice channel whose messages stopped going out (server.domain.notices.health). */
  var CHANNELS = { whatsapp: "WhatsApp", telegram: "Telegram", sms: "SMS" };
  function renderNotices() {
    var alerts = data.notices || [];
    var list = document.getElementById("notice-alert-list");
    list.textContent = "";
    alerts.forEach(function (a) {
      var channel = CHANNELS[a.channel] || a.channel;
      var item = el("li");
      item.dataset.channel = a.channel;
      if (a.kind === "failed") {
        item.appendChild(el("strong", null, text("notice_failed", { channel: channel, n: a.failed })));
        var reason = a[text("notice_reason_key")] || a.reason;  /* Indonesian on the Indonesian page */
        if (reason) item.appendChild(el("span", "muted", " · " + text("notice_reason", { reason: reason })));
      } else {
        item.appendChild(el("strong", null, text("notice_overdue", { channel: channel, t: hallTime(a.since) })));
        item.appendChild(el("span", "muted", " · " + text("notice_overdue_why")));
      }
      list.appendChild(item);
    });
    document.getElementById("notice-alerts").hidden = !alerts.length;
  }

  function render() {
    offsetMs = Date.parse(data.now) - Date.now();
    renderSummary(); renderLocks(); renderNotices(); renderLines(); renderCounters(); renderDevices();
    document.getElementById("updated-at").textContent = hallTime(data.now);
  }

  /* One reload at a time; events during a reload ask for one more after it. */
  var reload = Antre.oneAtATime(function () {
    return Antre.api("GET", "/monitor/data.json").then(function (fresh) {
      data = fresh;
      render();
    }).catch(function (error) {
      if (error && error.status === 401) setStatus("bad", text("session_ended"));
    });
  });
  var soon = Antre.later(reload, 250);
  function setStatus(kind, label) {
    var s = document.getElementById("live-status");
    s.className = "badge " + kind;
    s.textContent = label;
  }

  document.getElementById("all-lines").addEventListener("change", renderLines);
  document.getElementById("all-devices").addEventListener("change", renderDevices);
  render();
  var events = {};
  ["ticket.issued", "ticket.called", "ticket.updated", "queue.stats", "counter.updated", "config.updated"]
    .forEach(function (name) { events[name] = soon; });
  Antre.live({
    auth: {},
    events: events,
    resync: soon,
    status: function (up) { setStatus(up ? "ok" : "warn", text(up ? "live" : "disconnected")); }
  });
  setInterval(reload, refreshMs);
})();
