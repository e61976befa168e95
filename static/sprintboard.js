// Connection indicator for pages that follow a championship live (htmx 4 hx-ws events).
(function () {
  function show(state, text) {
    document.querySelectorAll(".connection").forEach(function (el) {
      el.dataset.state = state;
      el.textContent = text;
    });
  }
  document.addEventListener("htmx:ws:after:connection", function () { show("live", "live"); });
  document.addEventListener("htmx:ws:close", function () { show("reconnecting", "reconnecting…"); });
  document.addEventListener("htmx:ws:error", function () { show("reconnecting", "reconnecting…"); });
})();

// Head-to-head: choosing a skater shows the comparison at once.
document.addEventListener("change", function (event) {
  var form = event.target.closest && event.target.closest("form.pick");
  if (form) form.requestSubmit();
});
