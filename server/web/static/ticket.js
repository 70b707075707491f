/* The visitor's ticket page: shows the ticket's public status and keeps it true.
   The socket sits in the ticket's own room and in the room of the line it waits in.
   The ticket's events move the page on at once; a line's queue.stats (another ticket
   called, issued, cancelled…) means "people ahead" may have changed, so the status is
   reloaded (debounced: a burst of calls costs one request). Also reloaded after a
   reconnect or a seq gap; polled while the socket is down, and checked now and then
   while it is up (an event lost between processes, e.g. while Redis restarts, would
   otherwise leave a finished ticket showing "being served"). After a transfer the
   socket reconnects, so the server seats it in the new line's room. Once called, the
   counter is shown big and the phone vibrates. Where to wait (zone and counters) comes
   with the ticket and follows a transfer; a line no open counter serves says so instead
   of "you are next". */
(function () {
  "use strict";
  var script = document.currentScript;
  var code = script.getAttribute("data-code");
  var refreshMs = (parseInt(script.getAttribute("data-refresh"), 10) || 30) * 1000;
  var lang = script.getAttribute("data-lang") || "id";
  var T = JSON.parse(document.getElementById("ticket-texts").textContent);
  var status = JSON.parse(document.getElementById("ticket-status").textContent);
  var room = "ticket:" + code;
  var feed = null, connected = false, joinedLine = null;
  var STATS_DEBOUNCE_MS = 1000;
  var title = document.title;
  var text = Antre.texts(T), el = Antre.el;

  function clock(iso) {
    if (!iso) return "";
    try {
      return new Intl.DateTimeFormat(lang === "en" ? "en-GB" : "id-ID",
        { hour: "2-digit", minute: "2-digit", timeZone: status.timezone || "Asia/Jakarta" })
        .format(new Date(iso));
    } catch (e) { return ""; }
  }

  function fact(label, value, cls) {
    var row = el("div", "fact" + (cls ? " " + cls : ""));
    row.appendChild(el("span", "label", label));
    row.appendChild(el("span", "value", value));
    return row;
  }

  /* A long number or counter label still fits one line of a narrow phone. */
  function fit(node) {
    if (!node) return;
    node.style.fontSize = "";
    var size = parseFloat(window.getComputedStyle(node).fontSize);
    while (node.scrollWidth > node.clientWidth && size > 14) {
      size = Math.floor(size * 0.92);
      node.style.fontSize = size + "px";
    }
  }

  function render() {
    var t = status.ticket;
    document.getElementById("number").textContent = t.number;
    document.getElementById("service").textContent = t.service;
    document.getElementById("agency").textContent = t.agency.short_name;
    document.getElementById("number-card").style.setProperty("--agency", t.agency.colour || "#1e5aa8");
    var priority = document.getElementById("priority");
    priority.hidden = !t.priority || t.priority === "none";
    priority.textContent = priority.hidden ? "" : text(t.priority);
    document.getElementById("issued").textContent = text("issued", { time: clock(t.issued_at) });

    var box = document.getElementById("state");
    box.textContent = "";
    box.dataset.state = t.state;
    document.body.dataset.state = t.state;
    document.title = t.state === "called" ? text("title_called") + " · " + (t.counter || "") : title;
    if (t.state === "waiting") {
      box.appendChild(el("h1", "headline", text("waiting")));
      /* worded as the kiosk and the paper word it (shared/waits.py) */
      var kind = status.wait, nobody = kind === "closed";
      /* none open, the line's counters on a break: back in about the minutes ("break"),
         or when the day cannot tell yet ("paused") */
      var resting = kind === "break" || kind === "paused";
      var told = kind === "wait" || kind === "soon" || kind === "break";
      if (!kind) {
        /* just moved into this line: its figures come with the reload under way */
      } else if (status.people_ahead > 0) {
        box.appendChild(fact(text("ahead"), text("people", { n: status.people_ahead }), "ahead"));
      } else if (kind === "next") {
        box.appendChild(fact(text("ahead"), text("you_are_next"), "ahead next"));
      } else if (nobody) {
        box.appendChild(fact(text("ahead"), text("no_counter_open"), "ahead closed"));
      } else {
        /* on a break, or a wording this page does not know yet: never "you are next" */
        box.appendChild(fact(text("ahead"), text("nobody"), "ahead"));
      }
      if (resting) box.appendChild(fact(text("counters"), text("on_break"), "break"));
      if (told && (status.people_ahead > 0 || kind === "break")) {
        box.appendChild(fact(text("estimate"), kind === "soon" ? text("soon")
          : text("minutes", { m: status.estimated_wait_minutes }), "estimate"));
      }
      if (t.area) box.appendChild(fact(text("wait_at"), t.area.text, "area"));
      var note = nobody ? "no_counter_note" : resting ? kind + "_note" : "estimate_note";
      box.appendChild(el("p", "note", text(note)));
    } else if (t.state === "called") {
      box.appendChild(el("h1", "headline", text("called")));
      box.appendChild(el("div", "go-to", text("go_to")));
      box.appendChild(el("div", "counter", t.counter || ""));
      box.appendChild(el("div", "agency-name", t.agency.short_name));
      var zone = t.area && t.area.zones.length ? t.area.zones[0].name : "";
      if (zone) box.appendChild(el("div", "zone", text("zone", { zone: zone })));
    } else if (t.state === "serving") {
      box.appendChild(el("h1", "headline", text("serving")));
      if (t.counter) box.appendChild(el("p", "where", text("serving_at", { counter: t.counter })));
    } else {
      box.appendChild(el("h1", "headline", text(t.state)));
      box.appendChild(el("p", "note", text(t.state + "_note")));
    }
    fit(document.getElementById("number"));
    fit(box.querySelector(".counter"));
    /* the survey's offer (server-rendered: open or answered) shows once the visit is done */
    var offer = document.getElementById("survey-offer");
    if (offer) offer.hidden = t.state !== "done";
  }

  /* A new call (or a recall: a new call time) makes the phone buzz. */
  var lastCall = status.ticket.state === "called" ? status.ticket.called_at : null;
  function noticeCall() {
    var t = status.ticket;
    if (t.state !== "called" || t.called_at === lastCall) return;
    lastCall = t.called_at;
    if (navigator.vibrate) {
      try { navigator.vibrate([400, 200, 400, 200, 800]); } catch (e) { /* not allowed yet */ }
    }
  }

  /* Which line the ticket waits in, as far as the public view tells (no ids in it). */
  function lineOf(s) { return s.ticket.agency.code + "|" + s.ticket.service; }

  function apply(fresh) {
    status = fresh;
    render();
    noticeCall();
    if (connected && feed && joinedLine !== null && lineOf(status) !== joinedLine) {
      /* transferred: a new connection joins the new line's room (and resyncs) */
      joinedLine = null;
      feed.socket.disconnect().connect();
    }
  }

  var reload = Antre.oneAtATime(function () {
    return fetch("/api/v1/tickets/" + encodeURIComponent(code),
      { credentials: "omit", cache: "no-store", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (fresh) {
        if (!fresh) return;
        fresh.timezone = status.timezone;
        apply(fresh);
        if (feed) feed.setSeq(room, fresh.seq);
      })
      .catch(function () { /* offline: the socket's reconnect reloads */ });
  });
  var reloadForStats = Antre.later(reload, STATS_DEBOUNCE_MS);

  function onEvent(payload) {
    if (payload && payload.ticket) {
      /* show the change at once; the reload adds people ahead and the estimate */
      var keep = status.ticket.state === payload.ticket.state ? status.people_ahead : 0;
      apply({ ticket: payload.ticket, people_ahead: keep,
              estimated_wait_minutes: keep ? status.estimated_wait_minutes : 0,
              open_counters: status.open_counters, wait: keep ? status.wait : null,
              seq: payload.seq, timezone: status.timezone });
    }
    reload();
  }

  /* Someone in this ticket's line moved: people ahead and the estimate may change. */
  function onLineStats() {
    if (status.ticket.state === "waiting") reloadForStats();
  }

  function setLive(up) {
    if (up && !connected) joinedLine = lineOf(status);
    connected = up;
    var live = document.getElementById("live");
    live.textContent = text(up ? "live" : "offline");
    live.className = "live " + (up ? "up" : "down");
  }

  render();
  feed = Antre.live({
    auth: { ticket: code },
    events: { "ticket.called": onEvent, "ticket.updated": onEvent, "queue.stats": onLineStats },
    resync: reload,
    status: setLive
  });
  /* The fallback while the socket is down (or never came up), and a slow check while it
     is up: until the visit ends, a lost event costs at most CHECK_EVERY refreshes. */
  var CHECK_EVERY = 8, ticks = 0;
  var OPEN = { waiting: true, called: true, serving: true };
  setInterval(function () {
    if (!OPEN[status.ticket.state]) return;
    ticks += 1;
    if (!connected || ticks % CHECK_EVERY === 0) reload();
  }, refreshMs);
})();
