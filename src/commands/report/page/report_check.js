"use strict";
// The report's one script changes nothing the reader sees: it records, on <body>, what
// a browser test asks of the page — whether it scrolls sideways, and how many table
// cells or headings have text too close in colour to what lies behind it.
(function () {
  function rgb(text) {
    const m = /rgba?\(([\d.]+), ([\d.]+), ([\d.]+)(?:, ([\d.]+))?\)/.exec(text);
    return m ? { r: +m[1], g: +m[2], b: +m[3], a: m[4] === undefined ? 1 : +m[4] } : null;
  }
  function luminance(c) {
    const f = function (v) { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  }
  function behind(e) {
    for (; e; e = e.parentElement) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c && c.a > 0) return c;
    }
    return { r: 255, g: 255, b: 255, a: 1 };
  }
  let unreadable = 0;
  document.querySelectorAll("td, th, h1, h2, p").forEach(function (e) {
    if (!e.textContent.trim()) return;
    const fg = rgb(getComputedStyle(e).color);
    if (!fg) return;
    const a = luminance(fg), b = luminance(behind(e));
    if ((Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) < 3) unreadable += 1;
  });
  document.body.dataset.unreadable = String(unreadable);
  document.body.dataset.overflow = document.documentElement.scrollWidth > window.innerWidth + 1 ? "yes" : "no";
  document.body.dataset.ready = "1";
})();
