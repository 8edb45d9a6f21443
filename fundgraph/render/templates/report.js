(function () {
  "use strict";
  var collator = new Intl.Collator(document.documentElement.lang, {numeric: true});
  function sortBy(table, th) {
    var col = th.cellIndex;
    var numeric = th.getAttribute("data-type") === "num";
    var dir = th.getAttribute("aria-sort") === "descending" ? 1 : -1;
    var body = table.tBodies[0];
    var keyed = Array.prototype.map.call(body.rows, function (row) {
      var cell = row.cells[col], v = cell.getAttribute("data-v");
      var k = numeric ? ((v === null || v === "") ? -Infinity : parseFloat(v))
                      : (v !== null ? v : cell.textContent);
      return {row: row, k: k, i: +row.getAttribute("data-i")};
    });
    keyed.sort(function (a, b) {
      var r = numeric ? (a.k === b.k ? 0 : (a.k < b.k ? -1 : 1)) : collator.compare(a.k, b.k);
      return r === 0 ? a.i - b.i : r * dir;
    });
    var frag = document.createDocumentFragment();
    keyed.forEach(function (x) { frag.appendChild(x.row); });
    body.appendChild(frag);
    Array.prototype.forEach.call(th.parentNode.cells, function (c) {
      if (c.hasAttribute("aria-sort")) { c.setAttribute("aria-sort", "none"); }
    });
    th.setAttribute("aria-sort", dir === 1 ? "ascending" : "descending");
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      var b = th.querySelector("button.sort");
      if (b) { b.addEventListener("click", function () { sortBy(table, th); }); }
    });
  });
  var p = document.getElementById("print-button");
  if (p) { p.addEventListener("click", function () { window.print(); }); }
})();
