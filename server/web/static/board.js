/* The browser display board of one zone: what the Qt board shows, kept live through the
   zone's socket room with the display's device token, and every call announced one at a
   time, in order, once: the chime, then the browser's Indonesian voice when it has one,
   else the hall's recorded words when the server offers them (board_clips.js), else the
   chime alone; the setup line at the bottom says which when something is missing.

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
  var HOLD_MS = 3000, GAP_MS = 400, SPEECH_LIMIT_MS = 15000, VOICE_WAIT_MS = 2000;
  var MISSED_WINDOW_MS = 120000, HISTORY = 5;
  var keepCalls = 10;  /* tickets in the previous calls, each once: as the snapshot lists */
  var PAGE_MS = 1000 * (parseInt(body.getAttribute("data-page-seconds"), 10) || 8);
  var PAGE_LINE_OF_SCREEN = 0.034;
  var WAITING_CHIP_OF_SCREEN = 0.2, WAITING_FONT_VH = [3, 2.6, 2.2, 1.8];

  var token = Antre.deviceToken(KEY);
  var data = null, feed = null, offsetMs = 0;
  var known = {};                 /* call keys already shown or announced */
  var queue = [], announcing = null;
  var heardSeq = 0;               /* the newest event of the zone applied live */
  var pager = AntreTiles.pager(), paging = null, pageTimer = null;
  var voices = { indonesian: null, known: false };  /* known: the browser's list is in */

  function wait(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }

  // --- the token -----------------------------------------------------------------------

  var askToken = Antre.tokenForm(KEY, function () { return text("bad_token"); },
    function (typed) {
      token = typed;
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
      keepCalls = fresh.last_calls_limit || keepCalls;
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
        missed.push(toAnnounce(key, call));
      }
    });
    return missed;
  }

  function toAnnounce(key, call) {
    return { key: key, number: call.number, counter: call.counter, agency: call.agency,
             recall: call.recall, at: call.at, words: call.announce,
             prefix: call.prefix, sequence: call.sequence };
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
                 announce: payload.announce, prefix: ticket.prefix, sequence: ticket.sequence,
                 times: payload.call_count || ticket.call_count || 1 };
    /* one entry per ticket: its newest call replaces the one listed */
    data.last_calls = data.last_calls.filter(function (c) { return c.number !== call.number; });
    data.last_calls.unshift(call);
    data.last_calls.length = Math.min(data.last_calls.length, keepCalls);
    render();
    var key = callKey(call.number, call.at);
    if (!known[key]) {
      known[key] = true;
      enqueue(toAnnounce(key, call));
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

  /* The counters' tiles: all, or a page of them, at a size read from 10 m
     (board_tiles.js); the newest call's page comes up at once. */
  function renderCounters() {
    var box = document.getElementById("counters"), line = document.getElementById("pages");
    var widest = AntreTiles.widest(data.counters.filter(function (c) { return c.ticket; })
      .map(function (c) { return c.ticket.number; }));
    var labels = AntreTiles.widestLabel(data.counters), least = AntreTiles.readableCapPx();
    paging = AntreTiles.planPages(data.counters, function (tiles, paged) {
      return AntreTiles.gridFor(tiles, tileArea(paged), widest).capPx >= least;
    });
    if (pager.follow(data.last_calls[0], paging) || !paging.paged) stopPages();
    if (paging.paged && pageTimer === null) pageTimer = setInterval(turnPage, PAGE_MS);
    var grid = AntreTiles.gridFor(paging.gridCount, tileArea(paging.paged), widest, labels);
    box.style.setProperty("--cols", grid.cols);
    box.style.setProperty("--rows", grid.rows);
    box.style.setProperty("--number-px", grid.numberPx + "px");
    box.style.setProperty("--label-px", grid.labelPx + "px");
    box.style.setProperty("--th", grid.th + "px");
    box.style.setProperty("--tw", grid.tw + "px");
    var page = pager.current(paging);
    line.hidden = !paging.paged;
    line.style.height = pageLineHeight() + "px";
    line.textContent = paging.paged ? text("page", { page: page + 1, pages: paging.pages.length }) : "";
    box.textContent = "";
    paging.pages[page].forEach(function (c) { box.appendChild(tile(c)); });
  }

  function tile(c) {
    var node = el("div", "tile " + c.state);
    node.dataset.counterId = c.id;
    node.style.setProperty("--agency", (c.agency && c.agency.colour) || "#37474F");
    var head = el("div", "tile-head");
    head.appendChild(el("span", "tile-label", c.label));
    head.appendChild(el("span", "tile-agency", c.agency ? c.agency.short_name : ""));
    node.appendChild(head);
    var shown = c.ticket && (c.ticket.state === "called" || c.ticket.state === "serving");
    var value = shown ? c.ticket.number : c.state === "closed" ? text("closed") : c.state === "paused" ? text("paused") : text("idle");
    node.appendChild(el("div", "tile-number" + (shown ? " " + c.ticket.state : " none"), value));
    return node;
  }

  function pageLineHeight() {
    return Math.round(PAGE_LINE_OF_SCREEN * Math.min(window.innerWidth, window.innerHeight));
  }

  /* The room the tiles have in their panel, with or without the page line below them. */
  function tileArea(paged) {
    var panel = document.getElementById("counters-panel"), box = document.getElementById("counters");
    var style = window.getComputedStyle(panel), gap = parseFloat(window.getComputedStyle(box).rowGap) || 0;
    var w = panel.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    var h = panel.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
    return { w: w, h: paged ? h - pageLineHeight() - parseFloat(style.rowGap || 0) : h, gap: gap };
  }

  function turnPage() {
    if (!data || !paging || !paging.paged) return;
    pager.turn(paging);
    renderCounters();
  }

  function stopPages() {
    if (pageTimer !== null) clearInterval(pageTimer);
    pageTimer = null;
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

  /* One line per ticket, newest call first, without the one in the big panel: a recall
     moves its ticket to the top with a mark ("×3") instead of a line of its own. */
  function renderHistory() {
    var list = document.getElementById("history");
    var hero = announcing || data.last_calls[0];
    list.textContent = "";
    recentCalls().filter(function (line) { return !hero || line.call.number !== hero.number; })
      .slice(0, HISTORY).forEach(function (line) {
        var item = el("li");
        item.style.setProperty("--agency", line.call.agency ? line.call.agency.colour : "#37474F");
        item.appendChild(el("span", "h-number", line.call.number));
        if (line.times > 1) item.appendChild(el("span", "h-times", text("times", { n: line.times })));
        item.appendChild(el("span", "h-counter", line.call.counter || ""));
        list.appendChild(item);
      });
  }

  /* Each ticket once (snapshot and live alike), with how often it was called at its
     counter; the counter's own count wins when it knows of a call the list missed. */
  function recentCalls() {
    var atCounters = {};
    data.counters.forEach(function (c) {
      if (c.ticket) atCounters[c.ticket.number] = c.ticket.call_count || 0;
    });
    return data.last_calls.map(function (call) {
      return { call: call, times: Math.max(call.times || 1, atCounters[call.number] || 0) };
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
    /* as many columns as leave a chip a fifth of the screen, then rows (smaller text) */
    var columns = Math.max(1, Math.min(order.length, Math.floor(list.clientWidth / (window.innerWidth * WAITING_CHIP_OF_SCREEN))));
    var rows = Math.max(1, Math.ceil(order.length / columns));
    list.style.setProperty("--wcols", Math.ceil(order.length / rows) || 1);
    list.style.setProperty("--wrows", rows);
    list.style.setProperty("--wfont", WAITING_FONT_VH[Math.min(rows, WAITING_FONT_VH.length) - 1] + "vh");
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
      .then(function () { return say(announcing); })
      .then(function () { return wait(Math.max(0, HOLD_MS - (Date.now() - started))); })
      .then(function () { announcing = null; if (data) render(); return wait(GAP_MS); })
      .then(next);
  }

  /* How this board says a call: "voice", "clips", "chime", or "checking" while the
     browser's list of voices may still come. */
  function soundMode() {
    if (voices.indonesian) return "voice";
    if (!voices.known) return "checking";
    return window.AntreClips.offered() ? "clips" : "chime";
  }

  function say(call) {
    var mode = soundMode();
    if (mode === "voice") return speak(call.words && call.words.id);
    if (mode === "clips") {
      return window.AntreClips.say({ prefix: call.prefix, sequence: call.sequence,
        counter: call.counter, agencyCode: call.agency && call.agency.code });
    }
    return Promise.resolve();
  }

  function indonesianVoice() {
    if (!window.speechSynthesis) return null;
    var list = window.speechSynthesis.getVoices();
    for (var i = 0; i < list.length; i++) {
      if (/^id([-_]|$)/i.test(list[i].lang) || /^in([-_]|$)/i.test(list[i].lang)) return list[i];
    }
    return null;
  }

  /* The browser's voices arrive when it has loaded them (voiceschanged), or never: an empty
     list is only believed after VOICE_WAIT_MS. Without an Indonesian voice the server's
     recorded words are fetched, to be ready for the next call. */
  function checkVoices(waited) {
    voices.indonesian = indonesianVoice();
    var listed = window.speechSynthesis ? window.speechSynthesis.getVoices().length : 0;
    voices.known = voices.known || !!voices.indonesian || listed > 0 || waited || !window.speechSynthesis;
    if (soundMode() === "clips") window.AntreClips.load();
    renderSetupLine();
  }

  /* Resolves when the sentence is said; at once before sound is allowed. */
  function speak(sentence) {
    var voice = voices.indonesian;
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

  /* The line below the board, for whoever sets it up: the "turn on sound" button until
     sound is allowed, and what the board cannot say (no Indonesian voice). In the flow of
     the page, so it never covers the board; gone when there is nothing to say. */
  var soundButton = document.getElementById("sound");
  function renderSetupLine() {
    var line = document.getElementById("setup-line"), note = document.getElementById("voice-note");
    var locked = !window.AntreChime.running(), mode = soundMode(), was = line.hidden;
    var says = mode === "chime" ? text("no_voice_chime") : mode === "clips" && locked ? text("no_voice_clips") : "";
    soundButton.hidden = !locked;
    note.textContent = says;
    note.hidden = !says;
    line.hidden = !locked && !says;
    line.dataset.sound = mode;
    if (line.hidden !== was && data) render();  /* the board's room changed */
  }

  function unlockSound() {
    window.AntreChime.unlock().then(renderSetupLine);
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
  if (window.speechSynthesis) window.speechSynthesis.onvoiceschanged = function () { checkVoices(false); };
  window.AntreClips.fetchOffered().then(function () { checkVoices(false); });
  setTimeout(function () { checkVoices(true); }, VOICE_WAIT_MS);
  checkVoices(false);
  tick();
  setInterval(tick, 1000);
  start();
})();
