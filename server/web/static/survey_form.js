/* The survey form's one shared nicety (tablet and ticket page): a profile answer is
   optional, so a second tap on the chosen option clears it again (a radio button alone
   cannot be unchosen). Without this script the form still works. */
(function () {
  "use strict";
  var chosenBefore = null;
  document.addEventListener("pointerdown", function (event) {
    var pill = event.target.closest ? event.target.closest(".pill") : null;
    var input = pill ? pill.querySelector("input") : null;
    chosenBefore = input && input.checked ? input : null;
  });
  document.addEventListener("click", function (event) {
    var pill = event.target.closest ? event.target.closest(".pill") : null;
    var input = pill ? pill.querySelector("input") : null;
    if (input && input === chosenBefore) {
      event.preventDefault();
      input.checked = false;
      chosenBefore = null;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });
})();
