/* The board's chime: a two-tone "ding-dong" (E5 then C5, like the Qt board's), made by
   WebAudio oscillators, so no sound file is needed. Browsers keep audio suspended until a
   person touches the page: unlock() is called from the "turn on sound" button. */
(function () {
  "use strict";
  var context = null;

  function audio() {
    if (!context) {
      var Context = window.AudioContext || window.webkitAudioContext;
      if (!Context) return null;
      context = new Context();
    }
    return context;
  }

  function unlock() {
    var ctx = audio();
    if (!ctx) return Promise.resolve(false);
    return ctx.resume().then(function () { return ctx.state === "running"; },
                             function () { return false; });
  }

  function running() { return !!context && context.state === "running"; }

  /* One bell-like note: a sine with a softer octave above, quick attack, long decay. */
  function note(ctx, frequency, start, length) {
    var gain = ctx.createGain();
    gain.gain.setValueAtTime(0.0001, start);
    gain.gain.exponentialRampToValueAtTime(0.5, start + 0.015);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + length);
    gain.connect(ctx.destination);
    [[frequency, 1], [frequency * 2, 0.25]].forEach(function (partial) {
      var osc = ctx.createOscillator(), level = ctx.createGain();
      osc.type = "sine";
      osc.frequency.value = partial[0];
      level.gain.value = partial[1];
      osc.connect(level);
      level.connect(gain);
      osc.start(start);
      osc.stop(start + length + 0.05);
    });
  }

  /* Resolves when the chime has finished (at once when sound is not allowed yet). */
  function play() {
    if (!running()) return Promise.resolve(false);
    var ctx = context, t = ctx.currentTime + 0.05;
    note(ctx, 659.25, t, 0.8);        /* E5 */
    note(ctx, 523.25, t + 0.6, 1.0);  /* C5 */
    return new Promise(function (resolve) { setTimeout(function () { resolve(true); }, 1650); });
  }

  /* The board's one audio context: the recorded words (board_clips.js) play through it. */
  function current() { return context; }

  window.AntreChime = { unlock: unlock, running: running, play: play, prepare: audio, context: current };
})();
