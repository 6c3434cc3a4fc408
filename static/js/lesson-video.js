// A video lesson counts as done once the learner has watched it to the end or past data-threshold (a share of
// its length): the page's own "Mark as done" form is posted in the background. Without script, that button
// does the same.
document.addEventListener("DOMContentLoaded", function () {
  var video = document.querySelector("video[data-done-form]");
  var form = video && document.getElementById(video.dataset.doneForm);
  if (!form || !window.fetch) { return; }
  var threshold = parseFloat(video.dataset.threshold) || 1;
  var sent = false;
  function markDone() {
    if (sent) { return; }
    sent = true;
    fetch(form.action, {method: "POST", body: new FormData(form), credentials: "same-origin", redirect: "manual"})
      .then(function (response) {
        if (response.type !== "opaqueredirect" && !response.ok) { sent = false; return; }
        document.getElementById("lesson-watched").hidden = false;
        var button = form.querySelector("button[data-done-label]");  // done now: the button only moves on
        if (button) { button.textContent = button.dataset.doneLabel; }
      })
      .catch(function () { sent = false; });
  }
  video.addEventListener("timeupdate", function () {
    if (video.duration && video.currentTime >= video.duration * threshold) { markDone(); }
  });
  video.addEventListener("ended", markDone);
});
