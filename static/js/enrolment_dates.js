// Enrolment: choosing a programme (or a start date) pre-fills the planned end date from the
// programme's duration (data-duration-months on its option), but never replaces a date the
// user typed. Without this file the date is simply typed; the server validates it either way.
document.addEventListener("DOMContentLoaded", () => {
  const programme = document.querySelector("select[data-prefills-end-date]");
  if (!programme) {
    return;
  }
  const start = programme.form.elements.start_date;
  const end = programme.form.elements.planned_end_date;
  // The date this script last wrote: any other non-empty value is the user's own.
  let filled = null;
  const prefill = () => {
    const option = programme.selectedOptions[0];
    const months = Number(option ? option.dataset.durationMonths : 0);
    if (!months || !start.value || (end.value && end.value !== filled)) {
      return;
    }
    const [year, month, day] = start.value.split("-").map(Number);
    const date = new Date(Date.UTC(year, month - 1 + months, day));
    // 31 January plus one month is the end of February, not early March.
    if (date.getUTCDate() !== day) {
      date.setUTCDate(0);
    }
    filled = date.toISOString().slice(0, 10);
    end.value = filled;
  };
  programme.addEventListener("change", prefill);
  start.addEventListener("change", prefill);
});
