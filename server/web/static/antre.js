/* Antre pages' small shared helpers: the API with the session's CSRF secret, a live
   Socket.IO connection that reloads a snapshot whenever events may have been missed, and
   what every live page needs to draw itself and reload without piling requests up.
   Loaded by the console layout and by the board's and the ticket's own layouts. */
(function () {
  "use strict";
  function csrf() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.content : "";
  }

  /* fetch JSON; resolves with the body, rejects with {status, code, message}. */
  function api(method, url, body) {
    var options = { method: method, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRF-Token": csrf() } };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return fetch(url, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.ok) return data;
        var error = (data && data.error) || {};
        throw { status: response.status, code: error.code || "http_" + response.status,
                message: error.message || response.statusText, details: error.details };
      });
    });
  }

  /* live({auth, events: {name: fn}, resync: fn, status: fn(connected)})
     auth: {} for the console session cookie, {ticket: code} for a visitor, {token} for a device.
     Each event carries a per-room seq; a gap or a reconnect calls resync() (reload the
     snapshot), so a page never shows a stale state after missing something. */
  function live(options) {
    if (typeof io !== "function") {
      if (options.status) options.status(false);
      return null;
    }
    var lastSeq = {};
    var socket = io({ transports: ["websocket"], auth: options.auth || {},
      reconnectionDelay: 500, reconnectionDelayMax: 5000 });
    socket.on("connect", function () {
      lastSeq = {};
      if (options.status) options.status(true);
      if (options.resync) options.resync();
    });
    socket.on("disconnect", function () { if (options.status) options.status(false); });
    socket.on("connect_error", function () { if (options.status) options.status(false); });
    Object.keys(options.events || {}).forEach(function (name) {
      socket.on(name, function (payload) {
        var room = payload && payload.room, seq = payload && payload.seq;
        if (room && typeof seq === "number") {
          var last = lastSeq[room];
          lastSeq[room] = Math.max(seq, last || 0);
          if (last !== undefined && seq <= last) return;          /* duplicate */
          if (last !== undefined && seq > last + 1 && options.resync) {
            options.resync();                                     /* missed some */
            return;
          }
        }
        options.events[name](payload);
      });
    });
    return {
      socket: socket,
      /* after loading a snapshot: events up to its seq are already in it */
      setSeq: function (room, seq) { if (typeof seq === "number") lastSeq[room] = seq; }
    };
  }

  function minutes(seconds) {
    if (seconds === null || seconds === undefined) return "–";
    return Math.round(seconds / 60) + "";
  }

  /* The page's texts come from the server in the chosen language, as a JSON table;
     texts(table)(key, {n: 3}) fills "{n}" in. A missing key shows itself, not nothing. */
  function texts(table) {
    return function (key, params) {
      var s = table[key] || key;
      Object.keys(params || {}).forEach(function (k) { s = s.replace("{" + k + "}", params[k]); });
      return s;
    };
  }

  /* An element with an optional class and text (never HTML: what staff type stays text). */
  function el(tag, cls, content) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (content !== undefined && content !== null) node.textContent = content;
    return node;
  }

  /* oneAtATime(load): load() returns a Promise; a call while one runs asks for one more
     run after it, so a burst of events costs at most two loads and the last is fresh. */
  function oneAtATime(load) {
    var running = false, again = false;
    function finish() {
      running = false;
      if (again) { again = false; run(); }
    }
    function run() {
      if (running) { again = true; return; }
      running = true;
      Promise.resolve(load()).then(finish, finish);
    }
    return run;
  }

  /* later(fn, ms): fn runs once, ms after the first of a burst of calls. */
  function later(fn, ms) {
    var timer = null;
    return function () {
      if (timer !== null) return;
      timer = setTimeout(function () { timer = null; fn(); }, ms);
    };
  }

  /* deviceToken(key): the device token of a page that carries no secret (the browser
     board, the survey tablet): from the URL fragment (#token=…, never sent to a server),
     then kept in localStorage under key and removed from the address bar; else the one
     kept before; null when there is none. */
  function deviceToken(key) {
    var match = /(?:^#|&)token=([^&]+)/.exec(window.location.hash);
    var stored = null;
    try { stored = window.localStorage.getItem(key); } catch (e) { /* storage off */ }
    if (match) {
      stored = decodeURIComponent(match[1]);
      try { window.localStorage.setItem(key, stored); } catch (e) { /* kept in memory */ }
      window.history.replaceState(null, "", window.location.pathname + window.location.search);
    }
    return stored;
  }

  /* tokenForm(key, refused, saved): the setup card of templates/_device_token_form.html.
     Typing a token keeps it under key and calls saved(token); the function returned
     shows the card again, with the refused() text when the server refused the token. */
  function tokenForm(key, refused, saved) {
    var card = document.getElementById("setup");
    var message = document.getElementById("setup-error");
    var input = document.getElementById("setup-token");
    document.getElementById("setup-form").addEventListener("submit", function (event) {
      event.preventDefault();
      var typed = input.value.trim();
      if (!typed) return;
      try { window.localStorage.setItem(key, typed); } catch (e) { /* kept in memory */ }
      card.hidden = true;
      saved(typed);
    });
    return function ask(error) {
      card.hidden = false;
      message.hidden = !error;
      message.textContent = error ? refused() : "";
      input.focus();
    };
  }

  /* What a template may not write inline under the pages' Content-Security-Policy
     (server/security_headers.py: no style= or onclick= attributes): an agency's colour
     swatch (data-colour) and the print button (data-print). The scripts load at the end
     of the body, so the page's elements are already there. */
  function decorate(root) {
    Array.prototype.forEach.call(root.querySelectorAll("[data-colour]"), function (node) {
      node.style.background = node.getAttribute("data-colour");
    });
    Array.prototype.forEach.call(root.querySelectorAll("[data-print]"), function (node) {
      node.addEventListener("click", function () { window.print(); });
    });
  }
  decorate(document);

  window.Antre = { csrf: csrf, api: api, live: live, minutes: minutes, texts: texts, el: el,
                   oneAtATime: oneAtATime, later: later, deviceToken: deviceToken,
                   tokenForm: tokenForm };
})();
