/* Users, devices and site settings: small helps on top of forms that work without script
   (confirmations, copying a token, fields that belong to one device kind, previews). */
(function () {
  "use strict";
  var id = document.documentElement.lang !== "en";
  function t(indonesian, english) { return id ? indonesian : english; }

  /* A form with data-confirm asks first (revoke, disable, remove). */
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) event.preventDefault();
    });
  });

  /* Copy a token or password shown once. */
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var source = document.querySelector(button.getAttribute("data-copy"));
      if (!source) return;
      var range = document.createRange();
      range.selectNodeContents(source);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      var done = function () { button.textContent = t("Tersalin", "Copied"); };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(source.textContent).then(done, function () {});
      } else {
        try { if (document.execCommand("copy")) done(); } catch (e) { /* selected: copy by hand */ }
      }
    });
  });

  /* Device form: show the zone for kiosks and boards, the counter for counter PCs and
     survey tablets. */
  var kind = document.getElementById("f-kind");
  function showKind() {
    document.querySelectorAll("[data-for-kind]").forEach(function (part) {
      var wanted = part.getAttribute("data-for-kind").split(" ");
      part.hidden = wanted.indexOf(kind.value) < 0;
    });
  }
  if (kind) { kind.addEventListener("change", showKind); showKind(); }

  /* Settings: the sample number and the priority rule in words, as they are typed. */
  var sample = document.getElementById("number-preview");
  var separator = document.getElementById("f-number_separator");
  var width = document.getElementById("f-number_width");
  function showNumber() {
    var digits = parseInt(width.value, 10);
    var sequence = String(sample.getAttribute("data-sequence"));
    if (!(digits >= 1 && digits <= 6)) { sample.textContent = "—"; return; }
    while (sequence.length < digits) sequence = "0" + sequence;
    sample.textContent = sample.getAttribute("data-prefix") + separator.value + sequence;
  }
  if (sample && separator && width) {
    separator.addEventListener("input", showNumber);
    width.addEventListener("input", showNumber);
    showNumber();
  }

  var priority = document.getElementById("f-priority_every_n");
  var explain = document.getElementById("priority-explain");
  function showPriority() {
    var n = parseInt(priority.value, 10);
    if (n === 0) explain.textContent = t("Tiket prioritas tidak didahulukan: semua urut kedatangan.",
                                          "Priority tickets are not preferred: first come, first served.");
    else if (n === 1) explain.textContent = t("Tiket prioritas yang menunggu selalu dipanggil lebih dulu.",
                                               "A waiting priority ticket is always called first.");
    else if (n > 1 && n <= 20) explain.textContent = t("Setiap panggilan ke-" + n + " untuk tiket prioritas bila ada yang menunggu.",
                                                       "Every " + n + "th call goes to a priority ticket when one waits.");
    else explain.textContent = "";
  }
  if (priority && explain) { priority.addEventListener("input", showPriority); showPriority(); }

  /* Call-out preview: the server words the sample call (numbers and letters spelled as
     the boards speak them); asked a moment after typing stops. */
  var preview = document.getElementById("callout-preview");
  var templates = document.querySelectorAll("input.template");
  var timer = null;
  function askPreview() {
    var query = new URLSearchParams();
    templates.forEach(function (input) { query.set(input.name, input.value); });
    Antre.api("GET", preview.getAttribute("data-url") + "?" + query.toString()).then(function (body) {
      ["id", "en"].forEach(function (lang) {
        var input = document.getElementById("f-callout_template_" + lang);
        var problem = body.errors["callout_template_" + lang];
        var out = document.getElementById("callout-" + lang);
        out.textContent = problem ? "—" : body[lang];
        input.setAttribute("aria-invalid", problem ? "true" : "false");
        input.setCustomValidity(problem || "");
        input.title = problem || "";
      });
    }, function () { /* the preview is a help; the form still says what is wrong */ });
  }
  if (preview && templates.length) {
    if (document.querySelector('input.template[aria-invalid="true"]')) askPreview();
    templates.forEach(function (input) {
      input.addEventListener("input", function () {
        window.clearTimeout(timer);
        timer = window.setTimeout(askPreview, 300);
      });
    });
  }

  /* Logo: refuse a file the server would refuse, before sending it. */
  var logo = document.getElementById("f-logo");
  var logoForm = document.getElementById("logo-form");
  if (logo && logoForm) {
    logoForm.addEventListener("submit", function (event) {
      var file = logo.files && logo.files[0];
      var limit = parseInt(logo.getAttribute("data-max-bytes"), 10);
      var message = "";
      if (!file) message = t("Pilih berkas gambar.", "Choose an image file.");
      else if (file.size > limit) message = t("Logo paling besar ", "The logo may be at most ") + Math.floor(limit / 1024) + " KB.";
      else if (file.type && ["image/png", "image/jpeg"].indexOf(file.type) < 0) message = t("Logo harus gambar PNG atau JPEG.", "The logo must be a PNG or JPEG image.");
      if (message) {
        event.preventDefault();
        document.getElementById("logo-error").textContent = message;
        logo.setAttribute("aria-invalid", "true");
      }
    });
  }
})();
