// Profile sections remember being collapsed. Each section is a <details> that opens and closes
// without this file; this only tells the server, which renders the viewer's next profile with
// the same sections closed (portal.views.profile_section_state).
document.addEventListener(
  "toggle",
  (event) => {
    const details = event.target;
    if (!(details instanceof HTMLDetailsElement) || !details.dataset.stateUrl) {
      return;
    }
    const collapsed = String(!details.open);
    // A <details> rendered open fires a toggle as the page loads: nothing changed, nothing to say.
    if (collapsed === details.dataset.collapsed) {
      return;
    }
    details.dataset.collapsed = collapsed;
    // htmx sends the CSRF token (hx-headers on <body>); the answer is an empty 204.
    htmx.ajax("POST", details.dataset.stateUrl, {
      source: details,
      swap: "none",
      values: { collapsed: collapsed === "true" ? "1" : "0" },
    });
  },
  true, // toggle does not bubble; catch it on the way down instead
);
