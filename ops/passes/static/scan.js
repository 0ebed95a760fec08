/* The door scanner: handheld scanner keystrokes, the phone camera, manual search; big answer + sound. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("scan-config").textContent);
  var T = config.texts, U = config.urls;
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  var box = document.getElementById("scan-result");
  var codeInput = document.getElementById("scan-code");
  var gateInput = document.getElementById("scan-gate");
  var undoButton = box.querySelector(".scan-undo");
  var sounds = {};
  var lastCheckinId = null;
  var busy = false;

  Object.keys(U.tones).forEach(function (name) { sounds[name] = new Audio(U.tones[name]); });

  if (!gateInput.value) { gateInput.value = localStorage.getItem("ops-scan-gate") || ""; }
  gateInput.addEventListener("change", function () { localStorage.setItem("ops-scan-gate", gateInput.value.trim()); });

  function play(name) {
    var sound = sounds[name];
    if (!sound) { return; }
    try { sound.currentTime = 0; var p = sound.play(); if (p && p.catch) { p.catch(function () {}); } } catch (e) { /* no audio */ }
  }

  function show(kind, title, name, label, detail) {
    box.className = "scan-result result-" + kind;
    box.querySelector(".scan-title").textContent = title;
    box.querySelector(".scan-name").textContent = name || "";
    box.querySelector(".scan-label").textContent = label || "";
    box.querySelector(".scan-detail").textContent = detail || "";
    box.dataset.result = kind;
  }

  var offline = window.opsOffline || {enabled: false};

  function post(url, body, patienceMs) {
    var controller = (patienceMs && window.AbortController) ? new AbortController() : null;
    var timer = controller ? setTimeout(function () { controller.abort(); }, patienceMs) : null;
    return fetch(url, {
      method: "POST", credentials: "same-origin", signal: controller ? controller.signal : undefined,
      headers: {"Content-Type": "application/json", "X-CSRFToken": offline.csrf || csrf, "Accept": "application/json"},
      body: JSON.stringify(body)
    }).then(function (response) {
      clearTimeout(timer);
      return response.json().catch(function () { return {}; }).then(function (data) { return {status: response.status, data: data}; });
    });
  }

  /* Codes wait in line: a handheld scanner can fire the next code before the last answer is back. */
  var waiting = [];

  function checkIn(code) {
    code = (code || "").trim();
    if (!code) { return; }
    waiting.push(code);
    if (!busy) { next(); }
  }

  function next() {
    var code = waiting.shift();
    if (code === undefined) { busy = false; codeInput.focus(); return; }
    var gate = gateInput.value.trim();
    if (!gate) { waiting = []; busy = false; show("bad", T.gate_needed); play("bad"); gateInput.focus(); return; }
    localStorage.setItem("ops-scan-gate", gate);
    busy = true;
    if (offline.enabled && offline.offline) { decideOffline(code, gate).then(next); return; }
    // With an offline list, a server that does not answer within 4 s is treated as gone.
    var body = {code: code, gate: gate};
    if (config.occasion) { body.occasion = config.occasion; }
    post(U.checkin, body, offline.enabled ? 4000 : 0).then(function (answer) {
      if (offline.enabled && (answer.status >= 500 || answer.status === 0)) { throw new Error("server"); }
      var data = answer.data || {};
      var result = data.result || (answer.status === 400 ? "invalid" : "error");
      var kind = result === "ok" ? "ok" : (result === "already_checked_in" ? "warn" : "bad");
      show(kind, T[result] || T.error, data.name, data.label, data.detail);
      lastCheckinId = data.checkin_id || null;
      undoButton.hidden = !(lastCheckinId && (result === "ok" || result === "already_checked_in"));
      walkInCode = (result === "not_booked" && data.walk_in && U.walk_in) ? code : null;
      walkInButton.hidden = !walkInCode;
      if (offline.enabled && result === "ok") { offline.noteAdmitted(code, gate); }
      play(kind);
    }).catch(function () {
      if (!offline.enabled) { show("bad", T.error); play("bad"); return; }
      offline.goOffline();
      return decideOffline(code, gate);
    }).then(next);
  }

  function decideOffline(code, gate) {
    return offline.scan(code, gate).then(function (a) {
      show(a.kind, a.title, a.name, a.label, a.detail);
      lastCheckinId = null; undoButton.hidden = true;  // an undo needs the server
      play(a.kind);
    }).catch(function () { show("bad", T.error); play("bad"); });
  }

  document.getElementById("scan-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var code = codeInput.value;
    codeInput.value = "";  // cleared at once, ready for the next code
    checkIn(code);
  });

  /* In a conference room: a free seat for a ticket not booked for it, when staff say so. */
  var walkInButton = box.querySelector(".scan-walk-in");
  var walkInCode = null;
  walkInButton.addEventListener("click", function () {
    if (!walkInCode) { return; }
    var code = walkInCode;
    walkInCode = null; walkInButton.hidden = true;
    post(U.walk_in, {code: code, gate: gateInput.value.trim()}).then(function (answer) {
      var data = answer.data || {};
      var result = data.result || "error";
      var kind = result === "ok" ? "ok" : (result === "already_checked_in" ? "warn" : "bad");
      show(kind, T[result] || T.error, data.name, data.label, data.detail);
      play(kind); codeInput.focus();
    }).catch(function () { show("bad", T.error); play("bad"); });
  });

  undoButton.addEventListener("click", function () {
    if (!lastCheckinId) { return; }
    post(U.undo.replace(/\/0\/undo$/, "/" + lastCheckinId + "/undo"), {reason: "undone at the gate"}).then(function (answer) {
      show(answer.status === 200 ? "warn" : "bad", T.undone, "", "", (answer.data || {}).detail);
      undoButton.hidden = true; lastCheckinId = null; codeInput.focus();
    });
  });

  /* Camera: the browser's BarcodeDetector where there is one, else jsQR served by the app. */
  var video = document.getElementById("scan-video");
  var canvas = document.getElementById("scan-canvas");
  var toggle = document.getElementById("scan-camera-toggle");
  var stream = null, detector = null, lastSeen = {text: "", at: 0};

  function loadJsQR() {
    return new Promise(function (resolve, reject) {
      if (window.jsQR) { resolve(window.jsQR); return; }
      var script = document.createElement("script");
      script.src = U.jsqr;
      script.onload = function () { resolve(window.jsQR); };
      script.onerror = reject;
      document.head.appendChild(script);
    });
  }

  function seen(text) {
    var now = Date.now();
    if (text === lastSeen.text && now - lastSeen.at < 3000) { return; }  // the same code held in front of the camera
    lastSeen = {text: text, at: now};
    checkIn(text);
  }

  function frame() {
    if (!stream) { return; }
    if (video.readyState >= 2) {
      if (detector) {
        detector.detect(video).then(function (codes) { if (codes.length) { seen(codes[0].rawValue); } }).catch(function () {});
      } else if (window.jsQR) {
        var w = video.videoWidth, h = video.videoHeight, scale = Math.min(1, 640 / Math.max(w, h));
        canvas.width = Math.round(w * scale); canvas.height = Math.round(h * scale);
        var ctx = canvas.getContext("2d", {willReadFrequently: true});
        ctx.drawImage(video, 0, 0, canvas.width, canvas.height);
        var image = ctx.getImageData(0, 0, canvas.width, canvas.height);
        var found = window.jsQR(image.data, image.width, image.height, {inversionAttempts: "dontInvert"});
        if (found && found.data) { seen(found.data); }
      }
    }
    setTimeout(frame, 200);
  }

  function stopCamera() {
    if (stream) { stream.getTracks().forEach(function (t) { t.stop(); }); }
    stream = null; video.hidden = true; toggle.textContent = T.start_camera; codeInput.focus();
  }

  toggle.addEventListener("click", function () {
    if (stream) { stopCamera(); return; }
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { show("bad", T.camera_unavailable); return; }
    var ready = ("BarcodeDetector" in window)
      ? Promise.resolve().then(function () { detector = new window.BarcodeDetector({formats: ["qr_code"]}); })
      : loadJsQR();
    ready.catch(function () { detector = null; return loadJsQR(); }).then(function () {
      return navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}, audio: false});
    }).then(function (s) {
      stream = s; video.srcObject = s; video.hidden = false; video.play();
      toggle.textContent = T.stop_camera; frame();
    }).catch(function () { show("bad", T.camera_unavailable); });
  });

  /* Manual search at the door (when the page has a context that offers it). */
  var searchForm = document.getElementById("scan-search-form");
  if (searchForm && U.search) {
    var list = document.getElementById("scan-search-results");
    searchForm.addEventListener("submit", function (event) {
      event.preventDefault();
      var q = document.getElementById("scan-search-q").value.trim();
      if (!q) { return; }
      fetch(U.search + (U.search.indexOf("?") < 0 ? "?" : "&") + "q=" + encodeURIComponent(q),
            {credentials: "same-origin", headers: {"Accept": "application/json"}})
        .then(function (r) { return r.json(); })
        .then(function (data) {
          list.textContent = "";
          var results = data.results || [];
          if (!results.length) { var none = document.createElement("li"); none.textContent = T.no_results; list.appendChild(none); }
          results.forEach(function (item) {
            var li = document.createElement("li");
            var text = document.createElement("span");
            text.textContent = [item.name, item.label, item.detail].filter(Boolean).join(" · ");
            var button = document.createElement("button");
            button.type = "button"; button.className = "button small"; button.textContent = T.check_in;
            button.addEventListener("click", function () { checkIn(item.code); });
            li.appendChild(text); li.appendChild(button); list.appendChild(li);
          });
        });
    });
  }
})();
