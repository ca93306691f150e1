// ImageChat: save the model picker's choice for the open conversation as soon as it changes.
// Chainlit sends the composer picker's value only with the next message, so without this a
// switch followed by a reload would be lost.
(function () {
  "use strict";
  function threadId() {
    var match = window.location.pathname.match(/\/thread\/([0-9a-fA-F-]{36})/);
    return match ? match[1] : null;
  }
  function save(label) {
    var id = threadId();
    if (!id || !label) return;
    fetch("/api/threads/" + id + "/model", {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ label: label }),
    }).catch(function () {});
  }
  document.addEventListener(
    "click",
    function (event) {
      var option = event.target.closest && event.target.closest("[role=option]");
      if (!option || !option.closest('[id^="mode-picker-popover-model"]')) return;
      var name = option.querySelector(".font-medium");
      save((name ? name.textContent : option.textContent || "").trim());
    },
    true
  );
  document.addEventListener(
    "keydown",
    function (event) {
      if (event.key !== "Enter") return;
      var option = document.querySelector(
        '[id^="mode-picker-popover-model"] [role=option][aria-selected="true"]'
      );
      if (!option) return;
      var name = option.querySelector(".font-medium");
      save((name ? name.textContent : option.textContent || "").trim());
    },
    true
  );
})();
