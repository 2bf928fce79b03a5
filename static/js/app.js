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

// An answer for an element that is no longer on the page does not touch the history. A boosted
// navigation replaces <body>; a live filter's answer that arrives after it would otherwise still
// push the list's address over the new page's, and the new page's forms (which post to their own
// address) would then post to the list. (htmx announces the history update on <body>, so this
// listener hears it even when the element that asked is gone.)
document.addEventListener("htmx:beforeHistoryUpdate", function (event) {
  var asker = (event.detail.requestConfig && event.detail.requestConfig.elt) || event.detail.target;
  var history = event.detail.history;
  if (!asker || asker.isConnected !== false || !history) return;
  // htmx pushes or else replaces: replacing the address with itself leaves it as it is.
  history.type = "replace";
  history.path = window.location.pathname + window.location.search + window.location.hash;
});

// A live-filtered list (a form with hx-push-url) asks again on every "change" in it. Its search
// box already asks while one types ("input changed"); its "change" comes only when the box loses
// the focus, which pressing a result does, and that answer would replace the results between
// the press and the release, so the click never reached the link. The search box's "change"
// therefore stays with the box.
document.addEventListener(
  "change",
  function (event) {
    var box = event.target;
    if (box.matches && box.matches('input[type="search"]') && box.form && box.form.hasAttribute("hx-push-url")) {
      event.stopPropagation();
    }
  },
  true
);

// Discussions: after a reply is appended in place, empty the form and its preview.
document.addEventListener("htmx:afterRequest", function (event) {
  var form = event.detail.elt;
  if (!form || !form.hasAttribute || !form.hasAttribute("data-reset-on-success")) return;
  if (event.detail.xhr && event.detail.xhr.status === 201) {
    form.reset();
    var preview = form.querySelector(".preview .post-body");
    if (preview) preview.textContent = "";
    var notes = form.querySelector(".preview .mention-notes");
    if (notes) notes.remove();
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

// ---- Discussions: @mention suggestions in the post's text box ------------------------------
// Typing @ and two letters in a post's text box (textarea[data-mention-source]) lists, under
// the box, the members who may read the discussion, from the endpoint the member finder beside
// the box uses (its [data-mention] buttons and [data-mention-count] line). The WAI-ARIA
// combobox pattern with list autocomplete, as far as a textarea allows: the box gets
// aria-autocomplete="list", aria-controls (the listbox) and aria-activedescendant (the
// highlighted option), focus stays in it; ArrowDown/ArrowUp move, Enter or Tab chooses the
// highlighted one, Escape closes; the status line under the box says how many were found.
// No aria-expanded: a textarea is a textbox, which does not take it (axe: aria-allowed-attr),
// and role="combobox" would take the multi-line text box away from screen readers; the count
// announced says the list opened. Choosing writes @[Name] (the syntax the server resolves,
// core/markdown.py). Without JavaScript nothing here runs: the box claims no autocomplete and
// the form's Preview button shows what the mentions will do.
(function () {
  // @ and one to three words of letters (any script), ending at the cursor
  var TYPED = /@(\p{L}[\p{L}'\u2019-]*(?: \p{L}[\p{L}'\u2019-]*){0,2} ?)$/u;
  var BEFORE_AT = /[\s(\[{"'\u201c\u201e\u00ab]/; // what may stand before the @
  var open = null; // {box, list, status, active}
  var pending = { timer: 0, serial: 0 };

  function partsOf(box) {
    var list = document.getElementById(box.id + "-suggestions");
    var status = document.getElementById(box.id + "-suggestions-status");
    return list && status ? { list: list, status: status } : null;
  }

  function prepare(box) {
    if (box.hasAttribute("aria-autocomplete") || !partsOf(box)) return;
    box.setAttribute("aria-autocomplete", "list");
    box.setAttribute("aria-controls", partsOf(box).list.id);
  }

  // The @name being typed: {text, start} (start: the index of the @), or null.
  function typedAt(box) {
    var end = box.selectionStart;
    if (end !== box.selectionEnd) return null;
    var match = TYPED.exec(box.value.slice(Math.max(0, end - 100), end));
    if (!match) return null;
    var start = end - match[0].length;
    if (start > 0 && !BEFORE_AT.test(box.value.charAt(start - 1))) return null;
    if (match[1].replace(/[\s'\u2019-]/g, "").length < 2) return null;
    return { text: match[1].trim(), start: start };
  }

  function close(box) {
    clearTimeout(pending.timer);
    pending.serial += 1; // an answer still on its way is dropped
    var parts = partsOf(box);
    if (parts) {
      parts.list.hidden = true;
      parts.list.textContent = "";
    }
    box.removeAttribute("aria-activedescendant");
    if (open && open.box === box) open = null;
  }

  function show(box, query, page) {
    var parts = partsOf(box);
    var found = page.querySelectorAll("[data-mention]");
    var count = page.querySelector("[data-mention-count]");
    parts.list.textContent = "";
    for (var i = 0; i < found.length; i++) {
      var option = document.createElement("li");
      option.id = parts.list.id + "-" + i;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.setAttribute("data-name", found[i].getAttribute("data-mention"));
      option.textContent = found[i].textContent.trim();
      parts.list.appendChild(option);
    }
    box.removeAttribute("aria-activedescendant");
    if (found.length) {
      parts.list.hidden = false;
      open = { box: box, list: parts.list, status: parts.status, active: -1 };
      parts.status.textContent = count ? count.textContent.trim() : "";
    } else {
      close(box);
      // "No member with that name." only while a single word is typed: after a mention the
      // sentence goes on ("@Ana je rekla") and should not be answered at every word.
      parts.status.textContent = count && query.text.indexOf(" ") === -1 ? count.textContent.trim() : "";
    }
  }

  function ask(box, query) {
    var serial = (pending.serial += 1);
    var url = box.getAttribute("data-mention-source");
    url += (url.indexOf("?") === -1 ? "?" : "&") + "q=" + encodeURIComponent(query.text);
    fetch(url, { credentials: "same-origin" })
      .then(function (response) {
        return response.ok ? response.text() : "";
      })
      .then(function (html) {
        if (serial !== pending.serial || document.activeElement !== box) return;
        show(box, query, new DOMParser().parseFromString(html, "text/html"));
      })
      .catch(function () {
        /* offline or refused: no suggestions, the text box works as before */
      });
  }

  function highlight(index) {
    var options = open.list.children;
    open.active = index;
    for (var i = 0; i < options.length; i++) {
      options[i].setAttribute("aria-selected", i === index ? "true" : "false");
    }
    open.box.setAttribute("aria-activedescendant", options[index].id);
    if (options[index].scrollIntoView) options[index].scrollIntoView({ block: "nearest" });
  }

  function choose(index) {
    var box = open.box;
    var option = open.list.children[index];
    var query = typedAt(box);
    if (!option || !query) return close(box);
    var text = "@[" + option.getAttribute("data-name") + "] ";
    box.setRangeText(text, query.start, box.selectionStart, "end");
    open.status.textContent = "";
    close(box);
    box.focus();
    box.dispatchEvent(new Event("input", { bubbles: true })); // the live preview follows
  }

  function isBox(element) {
    return element && element.matches && element.matches("textarea[data-mention-source]");
  }

  document.addEventListener("focusin", function (event) {
    if (isBox(event.target)) prepare(event.target);
  });

  document.addEventListener("input", function (event) {
    var box = event.target;
    if (!isBox(box)) return;
    prepare(box);
    var query = typedAt(box);
    if (!query) return close(box);
    clearTimeout(pending.timer);
    pending.timer = setTimeout(function () {
      ask(box, query);
    }, 150);
  });

  document.addEventListener("keydown", function (event) {
    if (!open || event.target !== open.box || event.isComposing) return;
    var count = open.list.children.length;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      var step = event.key === "ArrowDown" ? 1 : -1;
      highlight(open.active < 0 ? (step > 0 ? 0 : count - 1) : (open.active + step + count) % count);
    } else if ((event.key === "Enter" || event.key === "Tab") && open.active >= 0 && !event.shiftKey) {
      event.preventDefault();
      choose(open.active);
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      close(open.box);
    } else if (event.key === "Tab") {
      close(open.box); // nothing highlighted: Tab leaves the box as usual
    }
  });

  // Moving the cursor away from the @name closes the list.
  function recheck(event) {
    if (open && event.target === open.box && !typedAt(open.box)) close(open.box);
  }
  document.addEventListener("keyup", function (event) {
    if (/^(ArrowLeft|ArrowRight|Home|End|PageUp|PageDown)$/.test(event.key)) recheck(event);
  });
  document.addEventListener("click", recheck);

  document.addEventListener("focusout", function (event) {
    if (open && event.target === open.box) close(open.box);
  });

  // A pointer works too; pressing an option keeps the focus in the box.
  document.addEventListener("mousedown", function (event) {
    if (open && event.target.closest && event.target.closest(".mention-suggestions [role=option]")) {
      event.preventDefault();
    }
  });
  document.addEventListener("click", function (event) {
    var option = event.target.closest && event.target.closest(".mention-suggestions [role=option]");
    if (!open || !option || option.parentNode !== open.list) return;
    choose(Array.prototype.indexOf.call(open.list.children, option));
  });
})();
// ---- end of the @mention suggestions --------------------------------------------------------
