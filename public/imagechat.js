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

// ImageChat: deleting an answer. The 🗑 on an answer deletes it as one unit (its text, galleries,
// tool steps and images; the app's `delete_message` action does it). This asks first — "Delete
// this answer and its N images?", Delete / Cancel, Enter / Escape — and afterwards offers Undo
// for the app's undo window (IMAGECHAT_UNDO_SECONDS). The count and the window come from
// `GET /api/turns/<message id>`; Undo is `POST /api/turns/<message id>/restore`, then the page
// reloads so the answer is back in its place (Chainlit has no event to re-insert a message).
(function () {
  "use strict";
  var confirmed = null; // the 🗑 button whose next click goes on to Chainlit's action

  function deleteButton(target) {
    var button = target && target.closest && target.closest("button");
    if (!button || !button.querySelector("svg.lucide-trash-2")) return null;
    return button.closest('[data-step-type="assistant_message"]') ? button : null;
  }

  function messageId(button) {
    var step = button.closest('[id^="step-"]');
    return step ? step.id.slice("step-".length) : null;
  }

  function api(id, action, method) {
    var post = method === "POST";
    return fetch("/api/turns/" + encodeURIComponent(id) + action, {
      method: method || "GET",
      credentials: "same-origin",
      headers: post ? { "Content-Type": "application/json" } : {},
      body: post ? "{}" : undefined,
    }).then(function (response) {
      return response.ok ? response.json() : Promise.reject(response.status);
    });
  }

  function element(tag, attrs, text) {
    var el = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      el.setAttribute(key, attrs[key]);
    });
    if (text) el.textContent = text;
    return el;
  }

  function question(images) {
    if (images === 1) return "Delete this answer and its image?";
    if (images > 1) return "Delete this answer and its " + images + " images?";
    return "Delete this answer?";
  }

  // Resolves true for Delete (button or Enter), false for Cancel, Escape or a click outside.
  function confirmDelete(info) {
    return new Promise(function (resolve) {
      var dialog = element("dialog", {
        class: "ic-confirm",
        role: "alertdialog",
        "aria-labelledby": "ic-confirm-title",
        "aria-describedby": "ic-confirm-text",
        "data-testid": "delete-confirm",
      });
      var form = element("form", { method: "dialog" });
      form.appendChild(element("h2", { id: "ic-confirm-title" }, question(info.images)));
      form.appendChild(
        element(
          "p",
          { id: "ic-confirm-text" },
          "Its text, galleries and images leave this conversation. You can undo this for " +
            Math.round(info.undo_seconds) +
            " seconds."
        )
      );
      var buttons = element("div", { class: "ic-confirm-buttons" });
      var cancel = element("button", { type: "submit", value: "cancel" }, "Cancel");
      buttons.appendChild(cancel);
      var yes = element("button", { type: "submit", value: "delete", class: "ic-danger" }, "Delete");
      buttons.appendChild(yes);
      form.appendChild(buttons);
      dialog.appendChild(form);
      dialog.addEventListener("click", function (event) {
        if (event.target === dialog) dialog.close("cancel"); // the backdrop
      });
      // Keys handled here, not left to the browser: Chromium may skip a dialog's Escape when
      // it opened without a fresh user gesture (ours opens after a request).
      dialog.addEventListener("keydown", function (event) {
        if (event.key === "Escape") {
          event.preventDefault();
          dialog.close("cancel");
        } else if (event.key === "Enter") {
          event.preventDefault();
          dialog.close(event.target === cancel ? "cancel" : "delete");
        }
      });
      dialog.addEventListener("close", function () {
        var answer = dialog.returnValue === "delete";
        dialog.remove();
        resolve(answer);
      });
      document.body.appendChild(dialog);
      dialog.showModal();
      yes.focus(); // Enter deletes, Escape cancels
    });
  }

  function whenGone(id, then) {
    var waited = 0;
    var timer = setInterval(function () {
      waited += 100;
      if (!document.getElementById("step-" + id)) {
        clearInterval(timer);
        then();
      } else if (waited > 20000) {
        clearInterval(timer); // the app said why in a toast
      }
    }, 100);
  }

  var notice = null;
  function offerUndo(id, info) {
    if (notice) notice.remove();
    var box = element("div", { class: "ic-undo", role: "status", "data-testid": "delete-undo" });
    var images = info.images;
    box.appendChild(
      element(
        "span",
        {},
        images
          ? "Answer and " + images + (images === 1 ? " image" : " images") + " deleted."
          : "Answer deleted."
      )
    );
    var undo = element("button", { type: "button" }, "Undo");
    box.appendChild(undo);
    document.body.appendChild(box);
    notice = box;
    var timer = setTimeout(function () {
      box.remove();
    }, info.undo_seconds * 1000);
    undo.addEventListener("click", function () {
      clearTimeout(timer);
      undo.disabled = true;
      api(id, "/restore", "POST").then(
        function () {
          window.location.reload();
        },
        function () {
          box.firstChild.textContent = "It can no longer be restored: the undo time is over.";
          undo.remove();
          setTimeout(function () {
            box.remove();
          }, 4000);
        }
      );
    });
  }

  document.addEventListener(
    "click",
    function (event) {
      var button = deleteButton(event.target);
      if (!button) return;
      if (confirmed === button) {
        confirmed = null; // our own click: Chainlit runs the action
        return;
      }
      event.preventDefault();
      event.stopPropagation();
      var id = messageId(button);
      if (!id) return;
      api(id, "").then(
        function (info) {
          confirmDelete(info).then(function (yes) {
            if (!yes) return;
            confirmed = button;
            button.click();
            whenGone(id, function () {
              offerUndo(id, info);
            });
          });
        },
        function () {
          window.alert("This answer can no longer be deleted. Reload the page and try again.");
        }
      );
    },
    true
  );
})();

// ImageChat: the ⚙️ next to the attachment button is "Internal tools" everywhere (its tooltip and
// dialog title come from .chainlit/translations); Chainlit gives the icon-only button no
// accessible name, so screen readers would say just "button".
(function () {
  "use strict";
  var LABEL = "Internal tools";
  function label() {
    var gear = document.getElementById("chat-settings-open-modal");
    if (gear && gear.getAttribute("aria-label") !== LABEL) gear.setAttribute("aria-label", LABEL);
  }
  new MutationObserver(label).observe(document.documentElement, { childList: true, subtree: true });
  label();
})();

// ImageChat: messages too large for the socket. The server accepts Socket.IO packets up to
// IMAGECHAT_MAX_SOCKET_MESSAGE_MB (and answers texts over IMAGECHAT_MAX_MESSAGE_CHARS with what
// to do); a bigger packet would close the socket and the message would be lost without a word.
// So the composer keeps such a text and says why, and, as a last guard, a frame that is still
// too large is not sent and the page says so. The figures come from GET /api/limits.
(function () {
  "use strict";
  var limits = null;
  fetch("/api/limits", { credentials: "same-origin" })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (data) { limits = data; })
    .catch(function () {});

  function maxBytes() {
    return limits && limits.max_socket_message_bytes;
  }
  function megabytes(n) {
    return (n / 1048576).toFixed(n < 10485760 ? 1 : 0);
  }
  function notify(text) {
    var box = document.getElementById("imagechat-notice");
    if (!box) {
      box = document.createElement("div");
      box.id = "imagechat-notice";
      box.setAttribute("role", "alert");
      box.style.cssText =
        "position:fixed;left:50%;bottom:96px;transform:translateX(-50%);z-index:1000;" +
        "max-width:min(640px,90vw);padding:10px 14px;border-radius:8px;" +
        "background:hsl(var(--destructive,0 72% 51%));color:#fff;font-size:14px;" +
        "box-shadow:0 4px 16px rgba(0,0,0,.25)";
      document.body.appendChild(box);
    }
    box.textContent = text;
    box.hidden = false;
    clearTimeout(box._timer);
    box._timer = setTimeout(function () { box.hidden = true; }, 20000);
  }
  function composerText() {
    var input = document.getElementById("chat-input");
    if (!input) return "";
    return input.value !== undefined ? input.value : input.innerText || "";
  }
  // Bytes the message takes in the socket frame: its JSON text, plus room for the envelope.
  function frameBytes(text) {
    return new Blob([JSON.stringify(text)]).size + 4096;
  }
  function tooLarge() {
    var limit = maxBytes();
    var text = composerText();
    if (!limit || text.length * 3 + 4096 < limit) return false; // cheap check first
    var size = frameBytes(text);
    if (size <= limit) return false;
    notify(
      "Your message is too large to send (" + megabytes(size) + " MB; the limit is " +
        megabytes(limit) + " MB). It is still in the message box: shorten it or attach it " +
        "as a file."
    );
    return true;
  }
  document.addEventListener(
    "keydown",
    function (event) {
      if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
      if (!event.target || event.target.id !== "chat-input") return;
      if (tooLarge()) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );
  document.addEventListener(
    "click",
    function (event) {
      var button = event.target.closest && event.target.closest("#chat-submit");
      if (button && tooLarge()) {
        event.preventDefault();
        event.stopImmediatePropagation();
      }
    },
    true
  );
  var send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    var limit = maxBytes();
    var size = typeof data === "string" ? data.length : data && (data.byteLength || data.size);
    if (limit && size && size > limit / 3 && typeof data === "string") {
      size = new Blob([data]).size;
    }
    if (limit && size > limit && this.url && this.url.indexOf("/ws/socket.io") >= 0) {
      notify(
        "That message was too large to send (" + megabytes(size) + " MB; the limit is " +
          megabytes(limit) + " MB), so the server did not receive it. Shorten it or attach " +
          "it as a file."
      );
      return undefined;
    }
    return send.call(this, data);
  };
})();
