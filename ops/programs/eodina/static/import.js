// Polls the import's JSON status until it is done, updating the progress bar and the error rows.
(function () {
  var box = document.getElementById("import");
  if (!box || box.dataset.done === "1") return;
  var bar = document.getElementById("import-progress");
  var body = document.querySelector("#import-errors tbody");
  function cell(text) { var td = document.createElement("td"); td.textContent = text; return td; }
  function tick() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (s) {
        bar.value = s.percent;
        ["processed", "total", "added", "existing", "status"].forEach(function (k) {
          var el = box.querySelector('[data-k="' + k + '"]'); if (el) el.textContent = s[k];
        });
        box.querySelector('[data-k="errors"]').textContent = s.errors.length;
        body.textContent = "";
        s.errors.forEach(function (e) {
          var tr = document.createElement("tr");
          var row = cell(e.row); row.className = "num";
          tr.append(row, cell(e.field), cell(e.message)); body.append(tr);
        });
        if (s.status !== "done" && s.status !== "failed") setTimeout(tick, 1000);
      })
      .catch(function () { setTimeout(tick, 3000); });
  }
  tick();
})();
