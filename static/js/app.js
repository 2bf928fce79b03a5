// Solidarna's own script: small progressive enhancements on top of htmx. Pages work without it.
"use strict";

// A boosted navigation swaps only <body>; keep <html lang> in step with the page that came
// back (the reader's language can change with a login or a profile setting).
document.addEventListener("htmx:beforeSwap", function (event) {
  var text = event.detail.xhr && event.detail.xhr.responseText;
  if (!text) return;
  var match = /<html[^>]*\slang="([A-Za-z-]+)"/.exec(text.slice(0, 500));
  if (match) document.documentElement.lang = match[1];
});

// Discussions: after a reply is appended in place, empty the form and its preview.
document.addEventListener("htmx:afterRequest", function (event) {
  var form = event.detail.elt;
  if (!form || !form.hasAttribute || !form.hasAttribute("data-reset-on-success")) return;
  if (event.detail.xhr && event.detail.xhr.status === 201) {
    form.reset();
    var preview = form.querySelector(".preview .post-body");
    if (preview) preview.textContent = "";
    var results = form.querySelector(".mention-results");
    if (results) results.textContent = "";
  }
});

// The @mention helper: choosing a member writes @[Name] into the text box at the cursor.
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("[data-mention]");
  if (!button) return;
  var editor = button.closest(".post-editor");
  var box = editor && editor.querySelector("textarea");
  if (!box) return;
  var text = "@[" + button.getAttribute("data-mention") + "] ";
  var start = box.selectionStart || box.value.length;
  var end = box.selectionEnd || start;
  box.value = box.value.slice(0, start) + text + box.value.slice(end);
  box.focus();
  box.selectionStart = box.selectionEnd = start + text.length;
  var results = editor.querySelector(".mention-results");
  if (results) results.textContent = "";
  box.dispatchEvent(new Event("input", { bubbles: true }));
});

// A permalink written as .../t/<id>#post-<n> lands on the right page: when the post is not on
// this page, ask the server where it is.
function findLinkedPost() {
  var match = /^#post-(\d+)$/.exec(window.location.hash);
  var posts = document.getElementById("posts");
  if (!match || !posts || document.getElementById("post-" + match[1])) return;
  var base = posts.getAttribute("data-permalink");
  if (base) window.location.replace(base + match[1]);
}
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", findLinkedPost);
} else {
  findLinkedPost();
}

// Enter in the mention search chooses the first member found instead of sending the post.
document.addEventListener("keydown", function (event) {
  if (event.key !== "Enter" || !event.target.closest || !event.target.closest(".mention-helper")) return;
  event.preventDefault();
  var first = event.target.closest(".mention-helper").querySelector("[data-mention]");
  if (first) first.click();
});

// The header's menu is a <details>: folded on a phone, open on wider screens (where browsers
// without ::details-content would otherwise show it folded too).
(function () {
  var wide = window.matchMedia("(min-width: 48rem)");
  function sync() {
    var menu = document.querySelector("[data-site-menu]");
    if (menu) menu.open = wide.matches;
  }
  document.addEventListener("DOMContentLoaded", sync);
  document.addEventListener("htmx:afterSettle", sync);
  if (wide.addEventListener) wide.addEventListener("change", sync);
})();
