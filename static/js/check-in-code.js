// Check-in code: the code changes every few seconds, so the QR code is fetched again in place (no page reload,
// which would also interrupt screen readers). Without script the page offers a link to show the new code.
document.addEventListener("DOMContentLoaded", () => {
  const holder = document.querySelector("[data-check-in-qr]");
  if (!holder) return;
  const seconds = Number(holder.dataset.seconds) || 30;
  const refresh = async () => {
    try {
      const response = await fetch(window.location.href, { credentials: "same-origin", cache: "no-store" });
      if (!response.ok) return;
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.querySelector("[data-check-in-qr]");
      if (fresh) holder.replaceChildren(...[...fresh.childNodes].map((node) => document.importNode(node, true)));
      else window.location.reload();  // the part has ended: the page says so
    } catch (error) {
      // Offline for a moment: the next round tries again.
    }
  };
  window.setInterval(refresh, seconds * 1000);
  document.querySelectorAll("[data-without-script]").forEach((element) => { element.hidden = true; });
});
