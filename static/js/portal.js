// The portal's own script. No inline scripts anywhere: the Content-Security-Policy forbids them.
document.addEventListener("htmx:configRequest", (event) => {
  const token = document.querySelector("[name=csrfmiddlewaretoken]");
  if (token) {
    event.detail.headers["X-CSRFToken"] = token.value;
  }
});
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
  }
});

// A table too wide for the screen scrolls sideways inside .table-responsive: give that
// region keyboard access and a name (WCAG 2.1.1), on load and after htmx swaps.
function makeScrollingTablesFocusable(root) {
  root.querySelectorAll(".table-responsive").forEach((region) => {
    const scrolls = region.scrollWidth > region.clientWidth || region.scrollHeight > region.clientHeight;
    if (scrolls && !region.hasAttribute("tabindex")) {
      const caption = region.querySelector("caption");
      region.setAttribute("tabindex", "0");
      region.setAttribute("role", "region");
      region.setAttribute("aria-label", caption ? caption.textContent.trim() : "Table");
    }
  });
}
document.addEventListener("DOMContentLoaded", () => makeScrollingTablesFocusable(document));
window.addEventListener("load", () => makeScrollingTablesFocusable(document));
document.addEventListener("htmx:afterSettle", (event) => makeScrollingTablesFocusable(event.target));
