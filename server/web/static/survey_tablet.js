/* The counter's survey tablet: idle ("Terima kasih") until its counter finishes a visit,
   then that visit's survey, one question per screen with big buttons; back to idle after
   the answer (a thank-you moment), after a while without a touch, when the visit can no
   longer be answered, or when the counter calls somebody else.

   What to ask is always the server's word (GET /api/v1/survey/counters/<id>): the
   counter room's ticket.updated (a visit done) makes the tablet ask it, and so does every
   (re)connect and a slow poll, so a missed event costs a minute at most.

   The counter's "next" finishes a visit and calls the next one at once, while the visitor
   who was served is still at the desk: a call ends the survey only when the survey has
   been showing a while (CALL_GRACE_MS) and the visitor is not touching it.

   The kiosk's survey page (data-mode="kiosk") is the same page without a counter: idle
   it asks the number printed on the visitor's ticket, the server finds that visit done
   today (POST /api/v1/survey/kiosk/lookup), and the answers go with the number.

   The token comes in the URL fragment (#token=…, never sent to a server), or is typed
   in; it is kept in localStorage and the fragment is removed from the address bar. */
(function () {
  "use strict";
  var body = document.body;
  var counterId = body.getAttribute("data-counter");
  var kiosk = body.getAttribute("data-mode") === "kiosk";
  var version = body.getAttribute("data-version");
  var IDLE_MS = 1000 * (parseInt(body.getAttribute("data-idle-after"), 10) || 120);
  var THANKS_MS = 1000 * (parseInt(body.getAttribute("data-thanks-seconds"), 10) || 6);
  var CALL_GRACE_MS = 20000, POLL_MS = 60000, ADVANCE_MS = 250;
  var KEY = kiosk ? "antre.survey.kiosk.token" : "antre.survey.token." + counterId;
  var URL = kiosk ? "/api/v1/survey/kiosk" : "/api/v1/survey/counters/" + encodeURIComponent(counterId);
  var T = JSON.parse(document.getElementById("survey-texts").textContent);

  var form = document.getElementById("survey-form");
  var steps = Array.prototype.slice.call(form.querySelectorAll(".step"));
  var questionCount = form.querySelectorAll(".step.question").length;
  var screens = { idle: byId("idle"), asking: byId("asking"), thanks: byId("thanks") };
  var token = Antre.deviceToken(KEY);
  var visit = null;           /* the visit being asked about */
  var dismissed = {};         /* visits left unanswered here: not asked again */
  var step = 0, shownAt = 0, touchedAt = 0, idleTimer = null, thanksTimer = null;
  var feed = null;
  var offsetMs = 0;           /* the server's clock minus this tablet's */

  function byId(id) { return document.getElementById(id); }
  function lang() { return body.classList.contains("lang-en") ? "en" : "id"; }
  function text(key, params) {
    var s = T[key][lang()];
    Object.keys(params || {}).forEach(function (k) { s = s.replace("{" + k + "}", params[k]); });
    return s;
  }
  function setLang(code) {
    body.classList.toggle("lang-en", code === "en");
    body.classList.toggle("lang-id", code !== "en");
    document.documentElement.lang = code;
    showStep();
  }

  // --- the token -----------------------------------------------------------------------

  var askToken = Antre.tokenForm(KEY, function () { return T.bad_token.id + " " + T.bad_token.en; },
    function (typed) { token = typed; start(); });

  function call(method, url, payload) {
    var options = { method: method, cache: "no-store", credentials: "omit",
      headers: { "Accept": "application/json", "Authorization": "Bearer " + token } };
    if (payload !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(payload);
    }
    return fetch(url, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.status === 401 || response.status === 403) {
          /* the token is refused: asked again (a refused answer is never a 403) */
          try { window.localStorage.removeItem(KEY); } catch (e) { /* nothing kept */ }
          if (feed) feed.socket.disconnect();
          askToken(true);
        }
        if (!response.ok) throw { status: response.status, code: (data.error || {}).code };
        return data;
      });
    });
  }

  // --- what to ask -----------------------------------------------------------------------

  var refresh = Antre.oneAtATime(function () {
    return call("GET", URL).then(function (now) {
      var serverNow = Date.parse(now.now);
      if (!isNaN(serverNow)) offsetMs = serverNow - Date.now();
      if (now.form_version !== version && !visit) { window.location.reload(); return; }
      var asked = now.asking;
      if (asked && dismissed[asked.ticket_id]) asked = null;
      if (asked && (!visit || visit.ticket_id !== asked.ticket_id)) ask(asked);
      else if (!asked && visit) toIdle();
    }).catch(function () { /* the next event, reconnect or poll asks again */ });
  });

  function show(name) {
    Object.keys(screens).forEach(function (key) { screens[key].hidden = key !== name; });
  }

  function ask(asked) {
    clearTimeout(thanksTimer);
    visit = asked;
    form.reset();
    setLang("id");
    step = 0;
    shownAt = Date.now();
    touchedAt = 0;
    byId("visit-number").textContent = asked.number;
    byId("visit-service").textContent = asked.service;
    byId("form-error").hidden = true;
    show("asking");
    showStep();
    keepAwake();
  }

  /* Idle again; a visit left unanswered (walked away, somebody else called) is not
     asked again by the next poll. */
  function toIdle() {
    if (visit) dismissed[visit.ticket_id] = true;
    visit = null;
    clearTimeout(idleTimer);
    clearTimeout(thanksTimer);
    form.reset();
    setLang("id");
    show("idle");
    if (kiosk) resetNumber();
  }

  // --- the kiosk: the visitor types the number on their ticket --------------------------

  var numberForm = byId("number-form");

  function resetNumber() {
    numberForm.reset();
    byId("number-error").hidden = true;
  }

  function numberRefused(code) {
    var key = { not_found: "not_found", survey_closed: "not_done",
                already_answered: "answered" }[code] || "failed";
    var message = byId("number-error");
    message.textContent = text(key);
    message.hidden = false;
  }

  if (kiosk) {
    numberForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var number = byId("number-input").value.trim();
      if (!number || !token) return;
      var chosen = lang();
      call("POST", URL + "/lookup", { number: number }).then(function (found) {
        ask({ ticket_id: found.number, number: found.number, service: found.service });
        setLang(chosen);
      }).catch(function (error) { numberRefused(error && error.code); });
    });
    byId("idle-lang").addEventListener("click", function () {
      setLang(lang() === "en" ? "id" : "en");
    });
  }

  function thank(note) {
    visit = null;
    clearTimeout(idleTimer);
    byId("thanks-note").textContent = note || "";
    show("thanks");
    thanksTimer = setTimeout(toIdle, THANKS_MS);
  }

  /* Back to idle after IDLE_MS without a touch, or when the visit's window closes. */
  function keepAwake() {
    clearTimeout(idleTimer);
    if (!visit) return;
    var closes = Date.parse(visit.closes_at) - (Date.now() + offsetMs);
    idleTimer = setTimeout(toIdle, Math.max(0, Math.min(IDLE_MS, isNaN(closes) ? IDLE_MS : closes)));
  }

  // --- one question per screen ---------------------------------------------------------

  function current() { return steps[step]; }
  function answered(fieldset) { return !!fieldset.querySelector("input:checked"); }
  function required(fieldset) { return fieldset.hasAttribute("data-required"); }

  function showStep() {
    if (!visit) return;
    steps.forEach(function (fieldset, i) { fieldset.hidden = i !== step; });
    var fieldset = current(), last = step === steps.length - 1, chosen = answered(fieldset);
    byId("progress").textContent = fieldset.classList.contains("question")
      ? text("of", { n: step + 1, total: questionCount }) : "";
    byId("back").hidden = step === 0;
    byId("send").hidden = !last;
    byId("next").hidden = last || !chosen;
    byId("skip").hidden = last || chosen || required(fieldset);
  }

  function go(to) {
    step = Math.max(0, Math.min(steps.length - 1, to));
    byId("form-error").hidden = true;
    showStep();
  }

  function firstMissing() {
    for (var i = 0; i < steps.length; i++) {
      if (required(steps[i]) && !answered(steps[i])) return i;
    }
    return -1;
  }

  form.addEventListener("change", function (event) {
    touch();
    var fieldset = event.target.closest(".step");
    showStep();
    /* a question answered moves on by itself; the profile waits for "Lanjut" */
    if (fieldset && fieldset.classList.contains("question") && event.target.checked) {
      setTimeout(function () { if (current() === fieldset) go(step + 1); }, ADVANCE_MS);
    }
  });
  form.addEventListener("input", touch);
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  byId("back").addEventListener("click", function () { touch(); go(step - 1); });
  byId("next").addEventListener("click", function () { touch(); go(step + 1); });
  byId("skip").addEventListener("click", function () { touch(); go(step + 1); });
  byId("lang-switch").addEventListener("click", function () {
    touch();
    setLang(lang() === "en" ? "id" : "en");
  });
  byId("send").addEventListener("click", send);
  document.addEventListener("pointerdown", touch);

  function touch() {
    touchedAt = Date.now();
    keepAwake();
  }

  // --- sending -------------------------------------------------------------------------

  function collect() {
    var answers = {}, extra = {}, profile = {};
    Array.prototype.forEach.call(form.querySelectorAll("input:checked"), function (input) {
      var name = input.name;
      if (/^U[0-9]$/.test(name)) answers[name] = parseInt(input.value, 10);
      else if (/^X[0-9]+$/.test(name)) extra[name] = parseInt(input.value, 10);
      else profile[name] = input.value;
    });
    var suggestion = form.elements.suggestion.value.trim();
    var sent = { answers: answers, extra: extra, profile: profile,
                 suggestion: suggestion || null, language: lang() };
    if (kiosk) sent.number = visit.number; else sent.ticket_id = visit.ticket_id;
    return sent;
  }

  function send() {
    touch();
    var missing = firstMissing();
    if (missing >= 0) {
      go(missing);
      var error = byId("form-error");
      error.textContent = text("missing");
      error.hidden = false;
      return;
    }
    var button = byId("send");
    button.disabled = true;
    call("POST", URL + "/answers", collect()).then(function () {
      thank("");
    }).catch(function (error) {
      if (error && error.code === "already_answered") thank(text("answered"));
      else if (error && error.code === "survey_closed") thank(text("closed"));
      else {
        var message = byId("form-error");
        message.textContent = text("failed");
        message.hidden = false;
      }
    }).then(function () { button.disabled = false; });
  }

  // --- live ----------------------------------------------------------------------------

  function onTicketUpdated(payload) {
    var ticket = payload && payload.ticket;
    if (ticket && ticket.state === "done") refresh();
  }

  /* Somebody else is called at this counter: the visitor who was asked has gone, unless
     the call came with the finish ("next") or they are still answering. */
  function onCalled(payload) {
    var ticket = payload && payload.ticket;
    if (!visit || !ticket || ticket.id === visit.ticket_id) return;
    var now = Date.now();
    if (now - shownAt < CALL_GRACE_MS || now - touchedAt < CALL_GRACE_MS) return;
    toIdle();
  }

  function start() {
    if (!token) { askToken(false); return; }
    if (kiosk) return;  /* nothing to listen to: the visitor starts it */
    refresh();
    if (feed) { feed.socket.connect(); return; }
    var noop = function () {};
    feed = Antre.live({
      auth: { token: token },
      events: { "ticket.updated": onTicketUpdated, "ticket.called": onCalled,
                "counter.updated": noop, "ticket.issued": noop },
      resync: refresh,
      status: function (connected) { byId("offline").hidden = connected; }
    });
  }

  if (!kiosk) setInterval(function () { if (token) refresh(); }, POLL_MS);
  show("idle");
  start();
})();
