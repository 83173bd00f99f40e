// Small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // After a failed submit, move focus to the error summary so screen-reader and keyboard
  // users hear what went wrong first (the summary links to each field).
  const summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
});

// Dialog actions: a link with hx-target="#portal-dialog-body" loads a form page's content into
// the dialog, which opens as a modal titled by the link's data-dialog-title. Without
// JavaScript the same link simply opens the form's own page.
document.addEventListener("htmx:afterSwap", (event) => {
  if (event.detail.target.id !== "portal-dialog-body") {
    return;
  }
  const dialog = document.getElementById("portal-dialog");
  const trigger = event.detail.requestConfig && event.detail.requestConfig.elt;
  const title = trigger && trigger.dataset ? trigger.dataset.dialogTitle : null;
  if (title) {
    document.getElementById("portal-dialog-title").textContent = title;
  }
  if (!dialog.open) {
    dialog.showModal();
  }
  const field = dialog.querySelector("textarea, select, input:not([type=hidden])");
  if (field) {
    field.focus();
  }
});

document.addEventListener("click", (event) => {
  if (!event.target.closest("[data-dialog-close]")) {
    return;
  }
  const dialog = document.getElementById("portal-dialog");
  dialog.close();
});

document.addEventListener("DOMContentLoaded", () => {
  const dialog = document.getElementById("portal-dialog");
  if (dialog) {
    // Whether closed by the button or by Escape, leave nothing of the old form behind.
    dialog.addEventListener("close", () => {
      document.getElementById("portal-dialog-body").replaceChildren();
    });
  }
});

// The header's unread notifications count (templates/base.html): fetched once the page is
// shown, so that no page spends a query on it. Only the badge is taken from the answer, so a
// redirect to another page (a session that ended meanwhile) never lands in the header.
document.addEventListener("DOMContentLoaded", () => {
  const slot = document.querySelector("[data-unread-url]");
  if (slot && window.htmx) {
    htmx.ajax("GET", slot.dataset.unreadUrl, {
      target: slot,
      swap: "outerHTML",
      select: "#notifications-unread",
    });
  }
});
