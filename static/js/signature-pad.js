// Signature pad: draws with pointer events (finger, stylus or mouse) in a canvas and posts the drawing as a PNG
// data URL. Without script the pad stays hidden and the page says signing is unavailable; the sheet works anyway.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-needs-script]").forEach((element) => { element.hidden = false; });
  document.querySelectorAll("[data-without-script]").forEach((element) => { element.hidden = true; });
  const form = document.querySelector("[data-signature-form]");
  if (!form) return;
  const canvas = form.querySelector("canvas");
  const field = form.querySelector("input[name=signature]");
  const empty = form.querySelector("[data-signature-empty]");
  const context = canvas.getContext("2d");
  let drawn = false;
  let last = null;

  // The canvas's pixels follow its shown size and the screen's density, so strokes stay sharp; refitting clears it.
  function fit() {
    const ratio = window.devicePixelRatio || 1;
    const box = canvas.getBoundingClientRect();
    canvas.width = Math.round(box.width * ratio);
    canvas.height = Math.round(box.height * ratio);
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.lineWidth = 2.5;
    context.lineCap = "round";
    context.lineJoin = "round";
    context.strokeStyle = context.fillStyle = "#111";
    drawn = false;
  }

  function point(event) {
    const box = canvas.getBoundingClientRect();
    return { x: event.clientX - box.left, y: event.clientY - box.top };
  }

  canvas.addEventListener("pointerdown", (event) => {
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    last = point(event);
    context.beginPath();
    context.arc(last.x, last.y, 1.25, 0, 2 * Math.PI);
    context.fill();
    drawn = true;
    empty.hidden = true;
  });
  canvas.addEventListener("pointermove", (event) => {
    if (!last) return;
    const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
    for (const moved of events.length ? events : [event]) {
      const next = point(moved);
      context.beginPath();
      context.moveTo(last.x, last.y);
      context.lineTo(next.x, next.y);
      context.stroke();
      last = next;
    }
  });
  const stop = () => { last = null; };
  canvas.addEventListener("pointerup", stop);
  canvas.addEventListener("pointercancel", stop);

  form.querySelector("[data-signature-clear]").addEventListener("click", () => {
    context.clearRect(0, 0, canvas.width, canvas.height);
    drawn = false;
    field.value = "";
  });
  form.addEventListener("submit", (event) => {
    if (!drawn) {
      event.preventDefault();
      empty.hidden = false;
      return;
    }
    field.value = canvas.toDataURL("image/png");
  });

  fit();
  let width = canvas.getBoundingClientRect().width;
  window.addEventListener("resize", () => {
    const now = canvas.getBoundingClientRect().width;
    if (now !== width) {
      width = now;
      fit();
    }
  });
});
