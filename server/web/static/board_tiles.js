/* Which counter tiles the browser board shows at once, and how large, so that every number
   on them reads from 10 m: the rule and the pages of the Qt board (display_board/
   counter_pages.py, docs/display.md). A number's cap height is at least 4.4 % of the
   screen's short side (3 cm on a 55-inch screen). All tiles when they fit at that size;
   else without the closed counters; else pages of equal size, turned on a timer, the page
   of the newest call brought up at once. */
(function () {
  "use strict";
  var READABLE_CAP_SHARE = 0.044;
  var WIDE_NUMBER = "MM-888";   /* keeps the size steady when a wider number comes up */
  /* A tile's parts, per pixel of its height (or width): the number, the label line above
     it, the padding. Largest sizes keep a zone of three counters from shouting. */
  var NUMBER_OF_HEIGHT = 0.46, NUMBER_ROOM_OF_WIDTH = 0.88, NUMBER_MAX_OF_SCREEN = 0.14;
  var LABEL_OF_HEIGHT = 0.19, LABEL_MAX_OF_SCREEN = 0.04;
  /* A tile's label line ("Loket 13  Disdukcapil") is made to fit its width, but never
     smaller than this: a longer agency name is then cut short ("Disdukc…"). */
  var LABEL_LEAST_OF_SCREEN = 0.024;
  var canvas = null, capPerPx = null;

  function numberFont(px, weight) {
    var family = window.getComputedStyle(document.body).fontFamily;
    return (weight || "900") + " " + px + "px " + family;
  }

  function context2d() {
    if (!canvas) canvas = document.createElement("canvas");
    return canvas.getContext("2d");
  }

  /* The cap height of the numbers' font per pixel of font size, measured in this browser. */
  function capHeightPerPx() {
    if (capPerPx === null) {
      var ctx = context2d();
      ctx.font = numberFont(100);
      capPerPx = ctx.measureText("H").actualBoundingBoxAscent / 100 || 0.73;
    }
    return capPerPx;
  }

  /* The width of a text per pixel of font size (the numbers' weight unless told). */
  function widthPerPx(text, weight) {
    var ctx = context2d();
    ctx.font = numberFont(100, weight);
    return ctx.measureText(text).width / 100;
  }

  /* The widest label line of the tiles (bold label, a gap, the agency's name), per pixel
     of font size. */
  function widestLabel(counters) {
    return Math.max.apply(null, [1].concat(counters.map(function (c) {
      return widthPerPx(c.label, "700") + 0.6 + widthPerPx(c.agency ? c.agency.short_name : "", "400");
    })));
  }

  function readableCapPx() {
    return READABLE_CAP_SHARE * Math.min(window.innerWidth, window.innerHeight);
  }

  /* The widest of the numbers (and a wide sample), as a width per pixel of font size. */
  function widest(numbers) {
    return Math.max.apply(null, numbers.concat([WIDE_NUMBER]).map(widthPerPx));
  }

  /* Columns and rows for ``count`` tiles in ``area`` ({w, h, gap}) that give the largest
     numbers, and the sizes in them. */
  function gridFor(count, area, widestEm, labelEm) {
    var screen = Math.min(window.innerWidth, window.innerHeight), best = null;
    for (var cols = 1; cols <= Math.max(1, count); cols++) {
      var rows = Math.max(1, Math.ceil(count / cols));
      var th = (area.h - area.gap * (rows - 1)) / rows, tw = (area.w - area.gap * (cols - 1)) / cols;
      var px = Math.min(th * NUMBER_OF_HEIGHT, tw * NUMBER_ROOM_OF_WIDTH / widestEm,
                        screen * NUMBER_MAX_OF_SCREEN);
      if (!best || px > best.numberPx) {
        var fits = tw * NUMBER_ROOM_OF_WIDTH / (labelEm || 1);
        var label = Math.min(th * LABEL_OF_HEIGHT, screen * LABEL_MAX_OF_SCREEN,
                             Math.max(fits, screen * LABEL_LEAST_OF_SCREEN));
        best = { cols: cols, rows: rows, th: th, tw: tw, numberPx: Math.floor(px), labelPx: Math.floor(label) };
      }
    }
    best.capPx = best.numberPx * capHeightPerPx();
    return best;
  }

  /* The most tiles, up to count, whose numbers are readable (at least one). */
  function capacity(count, readable, paged) {
    for (var tiles = count; tiles > 0; tiles--) if (readable(tiles, paged)) return tiles;
    return 1;
  }

  function planPages(counters, readable) {
    var everyone = counters.slice();
    if (capacity(everyone.length, readable, false) >= everyone.length) return paging([everyone], everyone.length);
    var shown = everyone.filter(function (c) { return c.state !== "closed" || c.ticket; });
    if (capacity(shown.length, readable, false) >= shown.length) return paging([shown], shown.length);
    var most = capacity(shown.length, readable, true);
    var count = Math.ceil(shown.length / most), size = Math.ceil(shown.length / count);
    /* the grid's best shape changes with the count: the fewest readable tiles a page */
    while (size < most && !readable(size, true)) size++;
    var pages = [];
    for (var i = 0; i < shown.length; i += size) pages.push(shown.slice(i, i + size));
    return paging(pages, size);
  }

  function paging(pages, gridCount) {
    return { pages: pages, gridCount: Math.max(1, gridCount), paged: pages.length > 1 };
  }

  /* The page on screen: turned by the timer, brought forward by a new call. */
  function pager() {
    var page = 0, followed = "";
    return {
      current: function (p) { page = page % p.pages.length; return page; },
      turn: function (p) { page = (page + 1) % p.pages.length; },
      /* true when the page changed (the timer then starts again) */
      follow: function (call, p) {
        if (!call || call.counter_id === undefined || call.counter_id === null || !p.paged) return false;
        var key = call.number + "@" + call.at + "/" + p.pages.length + "x" + p.gridCount;
        if (key === followed) return false;
        followed = key;
        for (var i = 0; i < p.pages.length; i++) {
          var here = p.pages[i].some(function (c) { return c.id === call.counter_id; });
          if (here && i !== this.current(p)) { page = i; return true; }
        }
        return false;
      }
    };
  }

  window.AntreTiles = { gridFor: gridFor, widest: widest, widestLabel: widestLabel, readableCapPx: readableCapPx,
                        planPages: planPages, pager: pager, capHeightPerPx: capHeightPerPx };
})();
