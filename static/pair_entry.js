// The pair entry (templates/admin/championships/pair_entry.html): a field's text is selected when
// the cursor enters it, so typing replaces a saved or fed time instead of adding to it.
"use strict";
for (const input of document.querySelectorAll("#pair-entry input[type=text]")) {
  input.addEventListener("focus", () => input.select());
}
const first = document.querySelector("#pair-entry input[autofocus]");
if (first && !document.querySelector("#clear-result")) {
  first.focus();
  first.select();
}
