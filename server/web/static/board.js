/* The browser display board of one zone: what the Qt board shows, kept live through the
   zone's socket room with the display's device token, and every call announced (chime,
   then the browser's Indonesian voice when it has one) one at a time, in order, once.

   The token comes in the URL fragment (#token=…, never sent to a server), or is typed
   in; it is kept in localStorage and the fragment is removed from the address bar. */
(function () {
  "use strict";
  var body = document.body;
  var zone = body.getAttribute("data-zone");
  var lang = body.getAttribute("data-lang") || "id";
  var T = JSON.parse(document.getElementById("board-texts").textContent);
  var text = Antre.texts(T), el = Antre.el;
  var KEY = "antre.board.token." + zone;
  var HOLD_MS = 3000, GAP_MS = 400, SPEECH_LIMIT_MS = 15000;
  var MISSED_WINDOW_MS = 120000, HISTORY = 5, KEEP_CALLS = 10;

  var token = takeToken();
  var data = null, feed = null, offsetMs = 0;
  var known = {};                 /* call keys already shown or announced */
  var queue = [], announcing = null;
  var heardSeq = 0;               /* the newest event of the zone applied live */

  function wait(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }

  // --- the token -----------------------------------------------------------------------

  function takeToken() {
    var match = /(?:^#|&)token=([^&]+)/.exec(window.location.hash);
    var stored = null;
    try { stored = window.localStorage.getItem(KEY); } catch (e) { /* storage off */ }
    if (match) {
      stored = decodeURIComponent(match[1]);
      try { window.localStorage.setItem(KEY, stored); } catch (e) { /* kept in memory */ }
      window.history.replaceState(null, "", window.location.pathname + window.location.search);
    }
    return stored;
  }

  function askToken(error) {
    document.getElementById("setup").hidden = false;
    var message = document.getElementById("setup-error");
    message.hidden = !error;
    message.textContent = error ? text("bad_token") : "";
    document.getElementById("setup-token").focus();
  }

  document.getElementById("setup-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var typed = document.getElementById("setup-token").value.trim();
    if (!typed) return;
    token = typed;
    try { window.localStorage.setItem(KEY, token); } catch (e) { /* kept in memory */ }
    document.getElementById("setup").hidden = true;
    unlockSound();  /* the click is the gesture the browser wants for sound */
    start();
  });

  // --- loading the zone ----------------------------------------------------------------

  function fetchState() {
    var headers = { "Accept": "application/json" };
    if (token) headers.Authorization = "Bearer " + token;
    return fetch("/board/" + encodeURIComponent(zone) + "/data.json",
      { headers: headers, cache: "no-store", credentials: token ? "omit" : "same-origin" })
      .then(function (response) {
        if (response.status === 401 || response.status === 403) throw { refused: true };
        if (!response.ok) throw { refused: false };
        return response.json();
      });
  }

  var reload = Antre.oneAtATime(function () {
    return fetchState().then(function (fresh) {
      if (fresh.seq < heardSeq) { reload(); return; }  /* older than shown: once more */
      var first = data === null;
      var missed = missedCalls(fresh, first);
      data = fresh;
      offsetMs = Date.parse(fresh.now) - Date.now();
      if (feed) feed.setSeq("zone:" + zone, fresh.seq);
      render();
      missed.forEach(enqueue);
    }).catch(function (error) {
      if (error && error.refused) {
        try { window.localStorage.removeItem(KEY); } catch (e) { /* nothing kept */ }
        if (feed) feed.socket.disconnect();
        askToken(!!token);
      }
    });
  });
  var reloadSoon = Antre.later(reload, 300);

  function callKey(number, at) { return number + "@" + Date.parse(at); }

  /* Calls in a snapshot the board never heard (missed in a gap or while away): the
     recent ones, and those whose visitor is still being called, oldest first. None from
     the first snapshot: those were made before the board started. */
  function missedCalls(fresh, first) {
    var calls = fresh.last_calls.slice().reverse();
    var newest = Math.max.apply(null, calls.map(function (c) { return Date.parse(c.at); }).concat([0]));
    var stillCalled = {};
    fresh.counters.forEach(function (c) {
      if (c.ticket && c.ticket.state === "called") stillCalled[callKey(c.ticket.number, c.ticket.called_at)] = true;
    });
    var missed = [];
    calls.forEach(function (call) {
      var key = callKey(call.number, call.at);
      if (known[key]) return;
      known[key] = true;
      if (first) return;
      if (newest - Date.parse(call.at) <= MISSED_WINDOW_MS || stillCalled[key]) {
        missed.push({ key: key, number: call.number, counter: call.counter, agency: call.agency,
                      recall: call.recall, at: call.at, words: call.announce });
      }
    });
    return missed;
  }

  // --- live events ---------------------------------------------------------------------

  function heard(handler) {
    return function (payload) {
      if (payload && typeof payload.seq === "number") heardSeq = Math.max(heardSeq, payload.seq);
      handler(payload);
    };
  }

  function counterById(id) {
    for (var i = 0; i < data.counters.length; i++) if (data.counters[i].id === id) return data.counters[i];
    return null;
  }

  function onCalled(payload) {
    if (!data) return;
    var ticket = payload.ticket, counter = payload.counter || ticket.counter || {};
    var tile = counterById(counter.id);
    if (tile) { tile.ticket = ticket; tile.label = counter.label || tile.label; }
    var call = { number: ticket.number, counter: counter.label, counter_id: counter.id,
                 agency: ticket.agency, at: ticket.called_at, recall: !!payload.recall,
                 announce: payload.announce };
    data.last_calls.unshift(call);
    data.last_calls.length = Math.min(data.last_calls.length, KEEP_CALLS);
    render();
    var key = callKey(call.number, call.at);
    if (!known[key]) {
      known[key] = true;
      enqueue({ key: key, number: call.number, counter: call.counter, agency: call.agency,
                recall: call.recall, at: call.at, words: call.announce });
    }
  }

  function onTicketUpdated(payload) {
    if (!data) return;
    var ticket = payload.ticket, at = ticket.counter ? ticket.counter.id : null;
    var active = ticket.state === "called" || ticket.state === "serving";
    data.counters.forEach(function (c) {
      var holds = c.ticket && c.ticket.id === ticket.id;
      if (active && at === c.id) c.ticket = ticket;
      else if (holds) c.ticket = null;
    });
    render();
  }

  function onCounterUpdated(payload) {
    if (!data) return;
    var view = payload.counter, tile = counterById(view.id);
    if (!tile || view.zone !== zone) { reloadSoon(); return; }
    tile.label = view.label;
    tile.state = view.state;
    if (view.current_ticket_id === null) tile.ticket = null;
    else if (!tile.ticket || tile.ticket.id !== view.current_ticket_id) reloadSoon();
    render();
  }

  function onStats(payload) {
    if (!data) return;
    var line = payload.line, found = false;
    data.lines.forEach(function (l, i) {
      if (l.service_id === line.service_id) { data.lines[i] = line; found = true; }
    });
    if (!found) reloadSoon(); else renderWaiting();
  }

  // --- drawing -------------------------------------------------------------------------

  function render() {
    if (!data) return;
    document.getElementById("site-name").textContent = data.site.name;
    renderCall();
    renderCounters();
    renderHistory();
    renderWaiting();
  }

  function renderCall() {
    var panel = document.getElementById("call");
    var call = announcing || data.last_calls[0] || null;
    panel.classList.toggle("announcing", !!announcing);
    panel.classList.toggle("empty", !call);
    panel.style.setProperty("--agency", call && call.agency ? call.agency.colour : "#263238");
    document.getElementById("call-title").textContent =
      !call ? text("none") : !announcing ? text("latest") : call.recall ? text("recall") : text("call_title");
    document.getElementById("call-number").textContent = call ? call.number : "";
    document.getElementById("call-to").textContent = call ? text("to") : "";
    document.getElementById("call-counter").textContent = call ? (call.counter || "").toUpperCase() : "";
    document.getElementById("call-agency").textContent = call && call.agency ? call.agency.short_name || call.agency.name || "" : "";
    ["call-title", "call-number", "call-counter", "call-agency"].forEach(function (id) {
      fit(document.getElementById(id));
    });
  }

  function renderCounters() {
    var box = document.getElementById("counters");
    var n = data.counters.length;
    var cols = n <= 4 ? 2 : n <= 9 ? 3 : n <= 16 ? 4 : n <= 25 ? 5 : n <= 36 ? 6 : 7;
    box.style.setProperty("--cols", cols);
    box.style.setProperty("--rows", Math.max(1, Math.ceil(n / cols)));
    box.textContent = "";
    data.counters.forEach(function (c) {
      var tile = el("div", "tile " + c.state);
      tile.dataset.counterId = c.id;
      tile.style.setProperty("--agency", (c.agency && c.agency.colour) || "#37474F");
      var head = el("div", "tile-head");
      head.appendChild(el("span", "tile-label", c.label));
      head.appendChild(el("span", "tile-agency", c.agency ? c.agency.short_name : ""));
      tile.appendChild(head);
      var shown = c.ticket && (c.ticket.state === "called" || c.ticket.state === "serving");
      var value = shown ? c.ticket.number : c.state === "closed" ? text("closed") : c.state === "paused" ? text("paused") : text("idle");
      var number = el("div", "tile-number" + (shown ? " " + c.ticket.state : " none"), value);
      tile.appendChild(number);
      box.appendChild(tile);
    });
    measureTiles();
  }

  function measureTiles() {
    var box = document.getElementById("counters"), first = box.firstElementChild;
    if (!first) return;
    box.style.setProperty("--th", first.offsetHeight + "px");
    box.style.setProperty("--tw", first.offsetWidth + "px");
  }

  /* The largest size (down from the stylesheet's) at which a text fits its box. */
  function fit(node) {
    node.style.fontSize = "";
    var size = parseFloat(window.getComputedStyle(node).fontSize);
    var room = node.parentNode.clientWidth * 0.94;
    while (node.scrollWidth > room && size > 10) {
      size = Math.floor(size * 0.93);
      node.style.fontSize = size + "px";
    }
  }

  function renderHistory() {
    var list = document.getElementById("history");
    list.textContent = "";
    data.last_calls.slice(announcing ? 0 : 1, (announcing ? 0 : 1) + HISTORY).forEach(function (call) {
      var item = el("li");
      item.style.setProperty("--agency", call.agency ? call.agency.colour : "#37474F");
      item.appendChild(el("span", "h-number", call.number));
      item.appendChild(el("span", "h-counter", call.counter || ""));
      list.appendChild(item);
    });
  }

  function renderWaiting() {
    var totals = {}, order = [];
    data.lines.forEach(function (line) {
      var agency = data.service_agencies[String(line.service_id)];
      if (!agency) return;
      if (!totals[agency.code]) { totals[agency.code] = { agency: agency, waiting: 0, minutes: 0 }; order.push(agency.code); }
      totals[agency.code].waiting += line.waiting;
      totals[agency.code].minutes = Math.max(totals[agency.code].minutes, line.estimated_wait_minutes);
    });
    order.sort(function (a, b) { return totals[a].agency.position - totals[b].agency.position; });
    var list = document.getElementById("waiting");
    list.textContent = "";
    order.forEach(function (code) {
      var row = totals[code], item = el("li");
      item.style.setProperty("--agency", row.agency.colour || "#37474F");
      item.appendChild(el("span", "w-name", row.agency.name));
      item.appendChild(el("span", "w-count", text("people", { n: row.waiting })));
      item.appendChild(el("span", "w-minutes", row.waiting ? text("minutes", { m: row.minutes }) : ""));
      list.appendChild(item);
    });
  }

  /* The hall's clock: the server's time in the site's time zone, "10.21". */
  function tick() {
    var zoneName = (data && data.site.timezone) || "Asia/Jakarta";
    var parts = {};
    try {
      new Intl.DateTimeFormat("en-GB", { timeZone: zoneName, year: "numeric", month: "numeric",
        day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
        .formatToParts(new Date(Date.now() + offsetMs))
        .forEach(function (p) { parts[p.type] = p.value; });
    } catch (e) { return; }
    document.getElementById("clock").textContent = parts.hour + "." + parts.minute;
    var y = +parts.year, m = +parts.month, d = +parts.day;
    var weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
    document.getElementById("date").textContent =
      T.days.split(",")[weekday] + ", " + d + " " + T.months.split(",")[m - 1] + " " + y;
  }

  // --- sound: one call at a time, in order ---------------------------------------------

  function enqueue(call) {
    queue.push(call);
    queue.sort(function (a, b) { return Date.parse(a.at) - Date.parse(b.at); });
    next();
  }

  function next() {
    if (announcing || !queue.length) return;
    announcing = queue.shift();
    render();
    var started = Date.now();
    window.AntreChime.play()
      .then(function () { return speak(announcing.words && announcing.words.id); })
      .then(function () { return wait(Math.max(0, HOLD_MS - (Date.now() - started))); })
      .then(function () { announcing = null; if (data) render(); return wait(GAP_MS); })
      .then(next);
  }

  function indonesianVoice() {
    if (!window.speechSynthesis) return null;
    var voices = window.speechSynthesis.getVoices();
    for (var i = 0; i < voices.length; i++) {
      if (/^id([-_]|$)/i.test(voices[i].lang) || /^in([-_]|$)/i.test(voices[i].lang)) return voices[i];
    }
    return null;
  }

  /* Resolves when the sentence is said; at once without an Indonesian voice or before
     sound is allowed (chime only, as the brief of the Qt board has it for no voice). */
  function speak(sentence) {
    var voice = indonesianVoice();
    if (!sentence || !voice || !window.AntreChime.running()) return Promise.resolve();
    return new Promise(function (resolve) {
      var done = false;
      function finish() { if (!done) { done = true; resolve(); } }
      var utterance = new SpeechSynthesisUtterance(sentence);
      utterance.voice = voice;
      utterance.lang = voice.lang;
      utterance.rate = 0.9;
      utterance.onend = finish;
      utterance.onerror = finish;
      window.speechSynthesis.speak(utterance);
      setTimeout(finish, SPEECH_LIMIT_MS);  /* some engines never say "end" */
    });
  }

  var soundButton = document.getElementById("sound");
  function unlockSound() {
    window.AntreChime.unlock().then(function (on) {
      soundButton.hidden = on;
    });
  }
  soundButton.addEventListener("click", unlockSound);

  // --- start ---------------------------------------------------------------------------

  function start() {
    if (feed) { reload(); return; }
    fetchState().then(function () {
      /* accepted: listen (every (re)connect reloads the whole state first) */
      /* every event of the room is listened to, so its seq never seems to skip */
      feed = Antre.live({
        auth: token ? { token: token } : {},
        events: {
          "ticket.called": heard(onCalled),
          "ticket.updated": heard(onTicketUpdated),
          "counter.updated": heard(onCounterUpdated),
          "queue.stats": heard(onStats),
          "ticket.issued": heard(function () {}),
          "config.updated": heard(reloadSoon)
        },
        resync: reload,
        status: function (up) {
          if (up) heardSeq = 0;  /* a (re)connect reloads everything anyway */
          document.getElementById("offline").hidden = up;
        }
      });
      if (!feed) reload();
    }).catch(function (error) {
      if (error && error.refused) {
        try { window.localStorage.removeItem(KEY); } catch (e) { /* nothing kept */ }
        askToken(!!token);
        token = null;
      } else {
        setTimeout(start, 5000);  /* server away: keep trying */
      }
    });
  }

  window.addEventListener("resize", function () { if (data) render(); });
  window.AntreChime.prepare();
  soundButton.hidden = window.AntreChime.running();
  if (window.speechSynthesis) window.speechSynthesis.onvoiceschanged = function () {};
  tick();
  setInterval(tick, 1000);
  start();
})();
