// Drag to reorder: rows of <tbody data-reorder> with data-move-url can be dragged to a new place; on drop the
// new position (1-based) is posted to the row's move URL with the page's CSRF token, as the ↑ ↓ buttons post a
// direction. Without JavaScript, or without drag and drop (touch screens), the buttons remain.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("tbody[data-reorder]").forEach(function (body) {
    var rows = function () { return Array.prototype.slice.call(body.querySelectorAll("tr[data-move-url]")); };
    var token = document.querySelector('input[name="csrf_token"]');
    // Touch screens do not drag rows: there the handle stays hidden and the buttons do the moving.
    var fine = !window.matchMedia || window.matchMedia("(pointer: fine)").matches;
    if (!token || !fine || !("draggable" in document.createElement("tr"))) { return; }
    var dragged = null, dropped = false, before = null;
    rows().forEach(function (row) {
      row.draggable = true;
      row.classList.add("draggable");
      row.querySelectorAll(".drag-handle").forEach(function (handle) { handle.hidden = false; });
      row.addEventListener("dragstart", function (event) {
        dragged = row;
        dropped = false;
        before = row.nextSibling;
        row.classList.add("dragging");
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", row.dataset.moveUrl);
      });
      row.addEventListener("dragend", function () {
        row.classList.remove("dragging");
        if (!dropped) { body.insertBefore(row, before); }  // dropped elsewhere: back to its place
        dragged = null;
      });
      row.addEventListener("dragover", function (event) {
        if (!dragged || dragged === row) { return; }
        event.preventDefault();
        var box = row.getBoundingClientRect();
        var after = event.clientY > box.top + box.height / 2;
        body.insertBefore(dragged, after ? row.nextSibling : row);
      });
      row.addEventListener("drop", function (event) { event.preventDefault(); });
    });
    body.addEventListener("drop", function (event) {
      event.preventDefault();
      var row = body.querySelector("tr.dragging");
      if (!row) { return; }
      dropped = true;
      var form = document.createElement("form");
      form.method = "post";
      form.action = row.dataset.moveUrl;
      [["csrf_token", token.value], ["position", String(rows().indexOf(row) + 1)]].forEach(function (pair) {
        var input = document.createElement("input");
        input.type = "hidden";
        input.name = pair[0];
        input.value = pair[1];
        form.appendChild(input);
      });
      document.body.appendChild(form);
      form.submit();
    });
  });
});
