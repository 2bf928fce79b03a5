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
