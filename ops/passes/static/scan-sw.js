/* The door scanner's service worker: keeps the scanner page and its files, so that opening or
   reloading the scanner works with no network. Network first (a fresh page when the server answers
   within a few seconds), the kept copy otherwise. The scanner's API calls are never cached: the page
   itself decides offline from its downloaded list (scan-offline.js). */
"use strict";
var CACHE = "ops-scanner-v1";
var PATIENCE_MS = 4000;

self.addEventListener("install", function () { self.skipWaiting(); });

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return name.indexOf("ops-scanner-") === 0 && name !== CACHE; })
      .map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function withPatience(request) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () { reject(new Error("timeout")); }, PATIENCE_MS);
    fetch(request).then(function (response) { clearTimeout(timer); resolve(response); },
                        function (error) { clearTimeout(timer); reject(error); });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.indexOf("/api/") === 0) {
    return;
  }
  event.respondWith(withPatience(request).then(function (response) {
    if (response.ok && response.type === "basic" && !response.redirected) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.open(CACHE).then(function (cache) {
      return cache.match(request).then(function (hit) {
        // Another gate's scanner page (a different ?gate=…) still opens: the page reads its gate itself.
        return hit || (request.mode === "navigate" ? cache.match(request, {ignoreSearch: true}) : undefined);
      });
    }).then(function (hit) { return hit || Response.error(); });
  }));
});
