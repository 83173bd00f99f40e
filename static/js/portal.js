// Small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // After a failed submit, move focus to the error summary so screen-reader and keyboard
  // users hear what went wrong first (the summary links to each field).
  const summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
});
