/* The hall's recorded words, for a browser without an Indonesian voice: which clips say
   one call, in order, and playing them one after the other through the chime's audio
   context. The clips are the server's ([board] clips_dir), named as the Qt board names
   its clip folder (display_board/clips.py, whose default sequence this follows; a test
   checks both give the same names): DK-012 at Loket 3 of agency DK is nomor_antrean,
   huruf_d, huruf_k, dua, belas, silakan_menuju_loket, tiga, instansi_dk (optional). */
(function () {
  "use strict";
  var UNITS = ["nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"];
  var buffers = {};   /* clip name -> decoded AudioBuffer */
  var asked = {};     /* clip name -> true once fetched or being fetched */
  var offered = [];   /* the names the server has */

  /* Indonesian words of 0 <= n < 1,000,000, as shared/callout.py's number_words_id. */
  function numberWords(n) {
    if (n < 10) return UNITS[n];
    if (n === 10) return "sepuluh";
    if (n === 11) return "sebelas";
    if (n < 20) return UNITS[n - 10] + " belas";
    if (n < 100) return join(UNITS[Math.floor(n / 10)] + " puluh", n % 10);
    if (n < 1000) {
      var hundreds = Math.floor(n / 100);
      return join(hundreds === 1 ? "seratus" : UNITS[hundreds] + " ratus", n % 100);
    }
    var thousands = Math.floor(n / 1000);
    return join(thousands === 1 ? "seribu" : numberWords(thousands) + " ribu", n % 1000);
  }

  function join(head, rest) { return rest ? head + " " + numberWords(rest) : head; }

  function numberClips(n) { return numberWords(n).split(" "); }

  function prefixClips(prefix) {
    var out = [];
    prefix.toUpperCase().split("").forEach(function (ch) {
      if (/^[A-Z]$/.test(ch)) out.push("huruf_" + ch.toLowerCase());
      else if (/^[0-9]$/.test(ch)) out = out.concat(numberClips(+ch));
    });
    return out;
  }

  function labelParts(label) { return (label || "").match(/[0-9]+|\p{L}+/gu) || []; }

  /* A counter label word by word: "Loket 12A" -> loket, dua, belas, huruf_a. */
  function labelClips(parts) {
    var out = [];
    parts.forEach(function (part) {
      if (/^[0-9]+$/.test(part)) out = out.concat(numberClips(parseInt(part, 10)));
      else if (/^[A-Za-z]$/.test(part)) out.push("huruf_" + part.toLowerCase());
      else out.push(part.toLowerCase());
    });
    return out;
  }

  /* The label after its first word ("silakan menuju loket" is one clip). */
  function counterNumberClips(label) {
    var parts = labelParts(label);
    if (parts.length > 1 && !/^[0-9]+$/.test(parts[0])) return labelClips(parts.slice(1));
    return labelClips(parts);
  }

  /* The clips of one call: [{name, optional}], in the order they are said. */
  function clipsFor(call) {
    var names = ["nomor_antrean"].concat(prefixClips(call.prefix || ""), numberClips(call.sequence),
      ["silakan_menuju_loket"], counterNumberClips(call.counter));
    var clips = names.map(function (name) { return { name: name, optional: false }; });
    if (call.agencyCode) clips.push({ name: "instansi_" + call.agencyCode.toLowerCase(), optional: true });
    return clips;
  }

  /* Which clips the server offers; resolves to their names ([] when none or away). */
  function fetchOffered() {
    return fetch("/board/clips/index.json", { cache: "no-cache", credentials: "omit" })
      .then(function (response) { return response.ok ? response.json() : { clips: [] }; })
      .then(function (index) { offered = index.clips || []; return offered; },
            function () { offered = []; return offered; });
  }

  function decode(ctx, bytes) {
    return new Promise(function (resolve, reject) { ctx.decodeAudioData(bytes, resolve, reject); });
  }

  /* Fetch and decode every offered clip once (a hall's set is small): a call is then said
     the moment it arrives, even while the server is briefly away. */
  function load() {
    var ctx = window.AntreChime.context();
    if (!ctx) return Promise.resolve();
    return Promise.all(offered.filter(function (name) { return !asked[name]; }).map(function (name) {
      asked[name] = true;
      return fetch("/board/clips/" + encodeURIComponent(name) + ".wav", { credentials: "omit" })
        .then(function (response) { if (!response.ok) throw new Error(name); return response.arrayBuffer(); })
        .then(function (bytes) { return decode(ctx, bytes); })
        .then(function (buffer) { buffers[name] = buffer; },
              function () { asked[name] = false; /* asked again before a later call */ });
    }));
  }

  /* Every clip the call needs is here (optional ones may be missing). */
  function canSay(call) {
    return clipsFor(call).every(function (clip) { return clip.optional || buffers[clip.name]; });
  }

  /* Play the call's clips back to back; resolves when the last has been heard. */
  function say(call) {
    var ctx = window.AntreChime.context();
    if (!canSay(call)) load();  /* a clip that failed to load: for the next call */
    if (!ctx || ctx.state !== "running" || !canSay(call)) return Promise.resolve(false);
    var start = ctx.currentTime + 0.05, at = start;
    clipsFor(call).forEach(function (clip) {
      var buffer = buffers[clip.name];
      if (!buffer) return;
      var source = ctx.createBufferSource();
      source.buffer = buffer;
      source.connect(ctx.destination);
      source.start(at);
      at += buffer.duration;
    });
    return new Promise(function (resolve) {
      setTimeout(function () { resolve(true); }, (at - ctx.currentTime) * 1000 + 100);
    });
  }

  window.AntreClips = {
    clipsFor: clipsFor, fetchOffered: fetchOffered, load: load, canSay: canSay, say: say,
    offered: function () { return offered.length > 0; }
  };
})();
