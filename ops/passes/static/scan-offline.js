/* The offline scanner (see ops/passes/offline.py): the ticket list and the waiting scans live in
   IndexedDB, so a network loss, a closed tab or a reload loses nothing. Online, scan.js asks the
   server as always; when the server cannot be reached the scan is decided here from the list, kept,
   and sent with its scan time and its own id when the network is back. scan.js uses window.opsOffline. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("scan-config").textContent);
  var T = config.texts, U = config.urls;
  var panel = document.getElementById("scan-network");
  var api = window.opsOffline = {enabled: false, offline: false, csrf: null};
  if (!U.offline_list || !panel || !window.indexedDB || !window.crypto || !window.crypto.subtle || !window.Promise) {
    return;
  }
  api.enabled = true;
  panel.hidden = false;

  var CONTEXT = U.offline_list;  // one list per context (its URL names it)
  var CODE = /^([A-Z])\.([A-Z0-9-]{1,40})\.([A-Z2-7]{8,16})\.([A-Z2-7]{16})$/;
  var SEOUL_MS = 9 * 3600 * 1000;  // Korea keeps no summer time
  var list = null;      // {key, cursor, day, days, scope, types, tickets: {hash: row}, offset}
  var waiting = {};     // id -> queued scan
  var conflicts = 0;
  var syncing = null, timer = null;

  /* --- IndexedDB: two stores, "lists" (one per context) and "queue" (one record per scan) --- */
  var dbReady = new Promise(function (resolve, reject) {
    var open = indexedDB.open("ops-scanner", 1);
    open.onupgradeneeded = function () {
      open.result.createObjectStore("lists", {keyPath: "key"});
      open.result.createObjectStore("queue", {keyPath: "id"});
    };
    open.onsuccess = function () { resolve(open.result); };
    open.onerror = function () { reject(open.error); };
  });

  function store(name, mode, work) {
    return dbReady.then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(name, mode), result;
        var request = work(tx.objectStore(name));
        if (request) { request.onsuccess = function () { result = request.result; }; }
        tx.oncomplete = function () { resolve(result); };  // durable once the transaction completes
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  /* --- Time: the server's clock (as of the last download), Seoul days --- */
  function now() { return Date.now() + ((list && list.offset) || 0); }
  function seoulDay(ms) { return new Date(ms + SEOUL_MS).toISOString().slice(0, 10); }
  function seoulTime(ms) { return new Date(ms + SEOUL_MS).toISOString().slice(11, 16); }

  function normalise(text) {
    var code = (text || "").trim().toUpperCase();
    if (code.indexOf("/") >= 0) { code = code.replace(/\/+$/, ""); code = code.slice(code.lastIndexOf("/") + 1); }
    return code;
  }

  function hashOf(code) {
    return crypto.subtle.digest("SHA-256", new TextEncoder().encode(code)).then(function (digest) {
      return Array.prototype.map.call(new Uint8Array(digest).slice(0, 8), function (b) {
        return ("0" + b.toString(16)).slice(-2);
      }).join("");
    });
  }

  function newId() {
    if (crypto.randomUUID) { return crypto.randomUUID().replace(/-/g, ""); }
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  /* --- What the staff see --- */
  function render() {
    var count = Object.keys(waiting).length;
    panel.classList.toggle("is-offline", api.offline);
    panel.dataset.state = api.offline ? "offline" : "online";
    panel.dataset.waiting = String(count);
    panel.querySelector(".scan-network-state").textContent = api.offline ? T.offline : T.online;
    panel.querySelector(".scan-network-waiting").textContent = String(count);
    var listText = panel.querySelector(".scan-network-list");
    if (list) {
      listText.textContent = T.list + ": " + Object.keys(list.tickets).length + " (" + T.updated + " " +
        seoulTime(list.fetchedAt + list.offset) + ")";
      panel.dataset.tickets = String(Object.keys(list.tickets).length);
    }
    var conflictText = panel.querySelector(".scan-network-conflicts");
    conflictText.hidden = !conflicts;
    conflictText.textContent = conflicts ? T.conflicts + ": " + conflicts : "";
  }

  function setOffline(value) { api.offline = value; render(); schedule(); }

  /* --- The list: in full the first time (or on a new day), then what changed since the cursor --- */
  function download() {
    var url = U.offline_list + (list && list.cursor ? "&cursor=" + encodeURIComponent(list.cursor) : "");
    var sentAt = Date.now();
    return fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}, cache: "no-store"})
      .then(function (response) {
        if (!response.ok) { throw new Error("list " + response.status); }
        return response.json();
      }).then(function (data) {
        var tickets = (data.full || !list) ? {} : list.tickets;
        data.tickets.forEach(function (row) { tickets[row[0]] = row; });
        var receivedAt = Date.now();
        list = {key: CONTEXT, cursor: data.cursor, day: data.day, days: data.days, scope: data.scope,
                types: data.types, tickets: tickets, fetchedAt: receivedAt,
                offset: data.now - Math.round((sentAt + receivedAt) / 2)};
        if (data.csrf_token) { api.csrf = data.csrf_token; }
        return store("lists", "readwrite", function (s) { return s.put(list); });
      });
  }

  /* --- The waiting scans: sent in slices; each answered scan leaves the queue --- */
  function upload() {
    var scans = Object.keys(waiting).map(function (id) { return waiting[id]; })
      .sort(function (a, b) { return a.at < b.at ? -1 : 1; }).slice(0, 500);
    if (!scans.length) { return Promise.resolve(false); }
    var csrf = api.csrf || document.querySelector('meta[name="csrf-token"]').getAttribute("content");
    return fetch(U.batch, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrf},
      body: JSON.stringify({scans: scans.map(function (s) { return {id: s.id, code: s.code, gate: s.gate, at: s.at}; })})
    }).then(function (response) {
      if (!response.ok) { throw new Error("batch " + response.status); }
      return response.json();
    }).then(function (data) {
      var done = data.results.map(function (answer) {
        if (answer.result === "conflict") { conflicts += 1; }
        delete waiting[answer.id];
        return answer.id;
      });
      return store("queue", "readwrite", function (s) { done.forEach(function (id) { s.delete(id); }); })
        .then(function () { return upload(); }).then(function () { return true; });
    });
  }

  function sync() {
    if (syncing) { return syncing; }
    syncing = download().then(upload).then(function (sent) { return sent ? download() : null; })
      .then(function () { setOffline(false); }, function () { setOffline(true); })
      .then(function () { syncing = null; render(); });
    return syncing;
  }

  function schedule() {
    clearTimeout(timer);
    // Offline: try again soon. Online: fetch what changed every two minutes.
    timer = setTimeout(sync, api.offline ? 10000 : 120000);
  }

  /* --- Deciding offline: the code's hash must be in the list (a forged code's is not) --- */
  function answer(kind, result, title, row, detail) {
    var label = "";
    if (row && list.types[row[2]]) {
      label = list.types[row[2]][document.documentElement.lang === "en" ? 2 : 1];
    }
    return {kind: kind, result: result, title: title, name: row ? row[1] : "", label: label, detail: detail || ""};
  }

  api.scan = function (text, gate) {
    var code = normalise(text);
    var match = CODE.exec(code);
    if (!list) { return Promise.resolve(answer("bad", "error", T.error, null, T.no_list)); }
    if (!match) { return Promise.resolve(answer("bad", "invalid", T.invalid)); }
    if (match[1] !== "T" || match[2] !== list.scope) { return Promise.resolve(answer("bad", "unknown", T.unknown)); }
    return hashOf(code).then(function (hash) {
      var row = list.tickets[hash];
      var at = now(), day = seoulDay(at);
      if (!row) { return answer("bad", "unknown", T.unknown, null, T.not_in_list); }
      if (row[3] === "x") { return answer("bad", "cancelled", T.cancelled, row, T.offline_cancelled); }
      if (row[3] !== "c") { return answer("bad", "not_confirmed", T.not_confirmed, row, T.offline_waitlisted); }
      if (list.days.indexOf(day) < 0) { return answer("bad", "wrong_day", T.wrong_day, row, T.offline_wrong_day); }
      var first = null;
      if (row[4] && list.day === day) { first = {at: Date.parse(row[4]), gate: row[5]}; }
      Object.keys(waiting).forEach(function (id) {
        var s = waiting[id];
        if (s.hash === hash && s.day === day && (!first || Date.parse(s.at) < first.at)) {
          first = {at: Date.parse(s.at), gate: s.gate};
        }
      });
      if (first) {
        return answer("warn", "already_checked_in", T.already_checked_in, row,
                      T.offline_already.replace("%(time)s", seoulTime(first.at)).replace("%(gate)s", first.gate || "-"));
      }
      var scan = {id: newId(), code: code, gate: gate, at: new Date(at).toISOString(), hash: hash, day: day};
      return store("queue", "readwrite", function (s) { return s.put(scan); }).then(function () {
        waiting[scan.id] = scan;
        render();
        return answer("ok", "ok", T.ok, row, T.offline_ok);
      });
    });
  };

  /* An admission the server just made online: this phone's list knows it before the next download. */
  api.noteAdmitted = function (text, gate) {
    if (!list) { return; }
    hashOf(normalise(text)).then(function (hash) {
      var row = list.tickets[hash];
      if (row && !row[4]) { row[4] = new Date(now()).toISOString(); row[5] = gate; list.day = seoulDay(now()); }
    });
  };

  api.goOffline = function () { if (!api.offline) { setOffline(true); } };

  /* --- Start: what this phone kept, then the network; the page and its files for a reload --- */
  var kept = store("lists", "readonly", function (s) { return s.get(CONTEXT); }).then(function (saved) {
    if (saved) { list = saved; }
    return store("queue", "readonly", function (s) { return s.getAll(); });
  }).then(function (scans) {
    (scans || []).forEach(function (s) { waiting[s.id] = s; });
    render();
  });

  function keepPage() {
    if (!navigator.serviceWorker) { return Promise.resolve(); }
    return navigator.serviceWorker.register(U.sw, {scope: U.sw_scope}).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function () {
      var urls = [location.href].concat(Object.keys(U.tones).map(function (k) { return U.tones[k]; }), [U.jsqr]);
      document.querySelectorAll('link[rel="stylesheet"], link[rel="manifest"], script[src]').forEach(function (el) {
        urls.push(el.href || el.src);
      });
      return caches.open("ops-scanner-v1").then(function (cache) { return cache.addAll(urls); });
    });
  }

  kept.then(function () {
    return Promise.all([sync(), keepPage().catch(function () { /* served from the cache already, or no SW */ })]);
  }).then(function () { document.body.dataset.offlineReady = "1"; });

  window.addEventListener("online", function () { sync(); });
  window.addEventListener("offline", function () { api.goOffline(); });
})();
