/* Live pages: the server sends the page's <main> again whenever what it shows changed.
   Without this script every page is complete as served; reloading it shows the news. */
(function () {
  "use strict";
  var main = document.getElementById("live");
  if (!main || !main.dataset.stream || !window.EventSource) return;
  var audio = null;
  function unlock() {
    try {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      if (Ctx && !audio) audio = new Ctx();
      if (audio && audio.state === "suspended") audio.resume();
    } catch (e) { audio = null; }
  }
  document.addEventListener("click", unlock, { once: true });
  document.addEventListener("touchstart", unlock, { once: true });
  function chime() {
    if (!audio) unlock();
    if (!audio) return;
    try {
      [[659, 0], [523, 0.35]].forEach(function (note) {
        var osc = audio.createOscillator(), gain = audio.createGain();
        var at = audio.currentTime + note[1];
        osc.frequency.value = note[0];
        gain.gain.setValueAtTime(0.0001, at);
        gain.gain.exponentialRampToValueAtTime(0.4, at + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.6);
        osc.connect(gain); gain.connect(audio.destination);
        osc.start(at); osc.stop(at + 0.65);
      });
    } catch (e) { /* no sound where the phone allows none */ }
  }
  function alertCall() {
    if (navigator.vibrate) { try { navigator.vibrate([400, 150, 400, 150, 800]); } catch (e) {} }
    chime();
    document.body.classList.add("flash");
    setTimeout(function () { document.body.classList.remove("flash"); }, 3000);
  }
  // Phones play sound only after a tap: offer one, outside <main> so that updates keep it.
  var waiting = main.querySelector("[data-state=waiting]");
  if (waiting && main.dataset.sound && (window.AudioContext || window.webkitAudioContext)) {
    var ring = document.createElement("button");
    ring.type = "button";
    ring.className = "sound";
    ring.textContent = main.dataset.sound;
    ring.addEventListener("click", function () {
      unlock(); chime();
      if (navigator.vibrate) { try { navigator.vibrate(200); } catch (e) {} }
      ring.remove();
    });
    main.parentNode.insertBefore(ring, main.nextSibling);
  }
  var shown = null, call = null, touched = false;
  main.addEventListener("change", function (ev) {
    if (ev.target.closest && ev.target.closest("form")) touched = true;
  });
  var first = main.querySelector("[data-state]");
  if (first) shown = first.dataset.state;
  var hero = main.querySelector("[data-call]");
  if (hero) call = hero.dataset.call;
  var source = new EventSource(main.dataset.stream);
  source.onmessage = function (ev) {
    var data;
    try { data = JSON.parse(ev.data); } catch (e) { return; }
    var state = data.state || null;
    // A half-filled rating form is not swept away by an unrelated update.
    if (touched && state === shown) return;
    main.innerHTML = data.html;
    touched = false;
    if (state === "called" && shown !== "called") alertCall();
    var offer = document.querySelector("button.sound");
    if (offer && state && state !== "waiting") offer.remove();
    if (data.call !== undefined) {
      if (data.call && call !== null && data.call !== call) alertCall();
      call = data.call;
    }
    shown = state;
    document.documentElement.dataset.updated = String(Date.now());
  };
})();
