/* Small helpers for every page; each page works without them.
 * - An error summary ([data-error-summary]) takes the focus, so a refused form is noticed.
 * - Enter in a checkbox never sends the form (browsers send it; an older person pressing
 *   Enter to tick the box would send a half-filled form).
 * - A region with data-poll="SECONDS" reloads its parts ([data-poll-part] with an id) from
 *   the same address, instead of a meta refresh that reloads the whole page under the reader.
 */
(function () {
  "use strict";
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.key === "Enter" && target && target.type === "checkbox") {
      event.preventDefault();
      target.click();
    }
  });

  var region = document.querySelector("[data-poll]");
  if (!region || !window.fetch || !window.DOMParser) { return; }
  var seconds = Math.max(10, parseInt(region.getAttribute("data-poll"), 10) || 30);
  function update() {
    fetch(window.location.href, {credentials: "same-origin", headers: {"Accept": "text/html"}})
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html");
        region.querySelectorAll("[data-poll-part]").forEach(function (part) {
          var next = fresh.getElementById(part.id);
          if (next && next.innerHTML !== part.innerHTML) { part.innerHTML = next.innerHTML; }
        });
      })
      .catch(function () { /* offline for a moment: the next round tries again */ });
  }
  window.setInterval(update, seconds * 1000);
})();
