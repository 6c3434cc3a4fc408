// Attendance sheet: a button that marks everyone without a status as present (the form works without it).
document.addEventListener("DOMContentLoaded", () => {
  const button = document.querySelector("[data-mark-all-present]");
  if (!button) return;
  button.hidden = false;
  button.addEventListener("click", () => {
    document.querySelectorAll(".sheet-row").forEach((row) => {
      if (!row.querySelector("input[type=radio]:checked")) {
        const present = row.querySelector("input[type=radio][value=present]");
        if (present) present.checked = true;
      }
    });
  });
});

// Links that need script (signing on the tablet) show only when script runs.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-needs-script]").forEach((element) => { element.hidden = false; });
});
