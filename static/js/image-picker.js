// The lesson editor's image picker: Insert puts an image's Markdown, with the alt text typed above, at the cursor
// of the lesson text; Upload and insert sends a new image first (the picker's JSON route), then inserts it.
// Without script the picker lists each image's Markdown to copy and links to the Images page.
document.addEventListener("DOMContentLoaded", function () {
  var picker = document.querySelector("[data-image-picker]");
  var text = picker && document.getElementById(picker.dataset.target);
  if (!text || !window.fetch || !window.FormData) { return; }
  var alt = document.getElementById("picker-alt");
  var file = document.getElementById("picker-file");
  var status = picker.querySelector("[data-picker-status]");
  var token = document.querySelector("input[name=csrf_token]");
  picker.querySelector(".picker-tools").hidden = false;
  var copyHint = picker.querySelector(".picker-copy");
  if (copyHint) { copyHint.hidden = true; }

  function insert(url) {
    var words = alt.value.replace(/[\[\]\\\r\n]/g, " ").replace(/\s+/g, " ").trim();
    var markdown = "![" + words + "](" + url + ")";
    var start = text.selectionStart, end = text.selectionEnd, value = text.value;
    var before = value.slice(0, start), after = value.slice(end);
    // On a line of its own, so that Markdown shows it as an image paragraph.
    if (before && !/\n\n$/.test(before)) { markdown = (/\n$/.test(before) ? "\n" : "\n\n") + markdown; }
    if (after && !/^\n\n/.test(after)) { markdown += /^\n/.test(after) ? "\n" : "\n\n"; }
    text.value = before + markdown + after;
    var cursor = before.length + markdown.length;
    text.focus();
    text.setSelectionRange(cursor, cursor);
    text.dispatchEvent(new Event("input", {bubbles: true}));
  }

  function offer(button) {
    button.hidden = false;
    button.addEventListener("click", function () { insert(button.dataset.pickerInsert); });
  }
  picker.querySelectorAll("[data-picker-insert]").forEach(offer);

  // A new image joins the list, so that it can be inserted again elsewhere.
  function listed(url) {
    var list = picker.querySelector(".image-snippets");
    var template = picker.querySelector("[data-picker-insert]");
    if (!list) {
      list = document.createElement("ul");
      list.className = "image-snippets";
      picker.querySelector(".picker-tools").after(list);
    }
    var item = document.createElement("li");
    var image = document.createElement("img");
    image.src = url; image.alt = ""; image.width = 48;
    var code = document.createElement("code");
    code.textContent = "![…](" + url + ")";
    var button = document.createElement("button");
    button.type = "button"; button.className = "button"; button.dataset.pickerInsert = url;
    button.textContent = template ? template.textContent : picker.dataset.insert;
    item.append(image, " ", code, " ", button);
    list.append(item);
    offer(button);
  }

  picker.querySelector("[data-picker-upload]").addEventListener("click", function () {
    if (!file.files.length) { file.focus(); return; }
    var body = new FormData();
    body.append("csrf_token", token ? token.value : "");
    body.append("image", file.files[0]);
    status.textContent = "";
    fetch(picker.dataset.uploadUrl, {method: "POST", body: body, credentials: "same-origin",
                                     headers: {"Accept": "application/json"}})
      .then(function (response) {
        return response.json().catch(function () { return {error: picker.dataset.failed}; });
      })
      .then(function (answer) {
        if (answer.url) { insert(answer.url); listed(answer.url); file.value = ""; return; }
        status.textContent = answer.error || picker.dataset.failed;
      })
      .catch(function () { status.textContent = picker.dataset.failed; });
  });
});
