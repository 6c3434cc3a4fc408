// Forms with data-busy-text: once sent, the submit button says what is happening and a second submit is ignored,
// so a long import is not sent twice while the server works (it would import a repeated confirmation once anyway).
"use strict";

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.dataset.busyText) return;
  if (form.dataset.sent) {
    event.preventDefault();
    return;
  }
  form.dataset.sent = "1";
  form.setAttribute("aria-busy", "true");
  for (const button of form.querySelectorAll("button[type=submit]")) {
    button.dataset.idleText = button.textContent;
    button.textContent = form.dataset.busyText;
    button.setAttribute("aria-disabled", "true");
    button.classList.add("is-busy");
  }
  const status = form.querySelector("[data-busy-status]");
  if (status) status.textContent = form.dataset.busyText;
});

// Back from the next page (the browser's page cache): the form can be sent again.
window.addEventListener("pageshow", (event) => {
  if (!event.persisted) return;
  for (const form of document.querySelectorAll("form[data-sent]")) {
    delete form.dataset.sent;
    form.removeAttribute("aria-busy");
    for (const button of form.querySelectorAll("button[data-idle-text]")) {
      button.textContent = button.dataset.idleText;
      button.removeAttribute("aria-disabled");
      button.classList.remove("is-busy");
    }
    const status = form.querySelector("[data-busy-status]");
    if (status) status.textContent = "";
  }
});
