// Progressive enhancement only: every page works without this file.
// After a failed submit, move focus to the error summary so it is read out first.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
});
