// Progressive enhancement only: every page works without this file.
// After a failed submit, move focus to the error summary so it is read out first.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.querySelector(".error-summary");
  if (summary) { summary.focus(); }
});

// The goal chain's year filter swaps the chain without reloading the page: keep the Excel link
// pointing at what is shown.
document.addEventListener("htmx:pushedIntoHistory", function () {
  var link = document.getElementById("goal-chain-xlsx");
  if (link) { link.search = window.location.search; }
});
