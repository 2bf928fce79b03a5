// Solidarna's maps: Leaflet (static/vendor) with marker clustering, fed by GeoJSON, loaded only
// when the reader opens the interactive map. Progressive enhancement: the page first shows an
// overview drawn on the server and lists the same entries without any of this.
//
// A page with a map loads css/map.css and this file (`defer`; templates/directory/_map_assets.html)
// and renders the map element with macros/map.html's `canvas`:
//
//   <div class="map-canvas" hidden data-map role="region" aria-label="..."
//        data-map-styles="URL URL ..." data-map-scripts="URL URL ..."   (Leaflet and clustering)
//        data-tile-url="..." data-tile-attribution="..."    (empty: markers on a plain background)
//        data-tile-min-zoom="..." data-tile-max-zoom="..." data-tile-bounds="s,w,n,e" (optional)
//        data-map-source="ID"                         (optional; default: the map element itself)
//        data-popup-fields="actor_type municipality"  (optional: properties shown under the name)
//        data-label-zoom-in="..." data-label-zoom-out="..." data-label-close="..."
//        data-label-cluster="... {n} ..." data-label-library="..." data-label-error="..."></div>
//
// and a <button data-map-open hidden> (shown by this script) that opens every map of its
// [data-map-page]: the styles and scripts are added to the page once, then the map is drawn.
// Every text the map shows comes from those attributes, in the reader's language and script.
//
// The source element (the one with id ID, or the map itself) carries the markers as either
//   data-geojson-url="/slug/.../map.geojson?..."   fetched from the same origin, or
//   <script type="application/json" id="ID">{"type": "FeatureCollection", ...}</script>
//   (a JSON data island; note that htmx removes <script> elements from swapped content
//   under allowScriptTags=false, so islands only work in a full page load), and optionally
//   data-note="..." (a sentence shown on the map, e.g. how many entries have no location).
// Features are GeoJSON Points; properties: name (shown, required), url (a same-origin path:
// the popup links to it), and the fields named in data-popup-fields.
//
// Give the map element no id: when htmx restores a page it copies the old element's attributes
// (Leaflet's inline style) onto a new one with the same id while settling, which the CSP refuses.
// When htmx swaps in a new source element (a filter change), the markers of an open map follow.
// The page that shows a map must be loaded in full (links to it: hx-boost="false"): it needs
// this script and its own Content-Security-Policy (a tile server in img-src, when configured).
"use strict";

(function () {
  var SERBIA = [44.1, 20.8];
  var SERBIA_ZOOM = 7;
  var maps = [];
  var loading = null; // the promise of Leaflet's files, once asked for

  function words(text) {
    return (text || "").split(/\s+/).filter(Boolean);
  }

  // Leaflet's styles and scripts, added once; the scripts run in order (async = false).
  function loadLibrary(el) {
    if (loading) return loading;
    var files = [];
    words(el.getAttribute("data-map-styles")).forEach(function (href) {
      if (document.querySelector('link[rel="stylesheet"][href="' + href + '"]')) return;
      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = href;
      files.push(link);
    });
    if (typeof window.L === "undefined") {
      words(el.getAttribute("data-map-scripts")).forEach(function (src) {
        var script = document.createElement("script");
        script.src = src;
        script.async = false;
        files.push(script);
      });
    }
    loading = Promise.all(
      files.map(function (file) {
        return new Promise(function (resolve, reject) {
          file.addEventListener("load", resolve);
          file.addEventListener("error", function () {
            reject(new Error("could not load " + (file.src || file.href)));
          });
          document.head.appendChild(file);
        });
      })
    ).then(function () {
      if (typeof window.L === "undefined") throw new Error("Leaflet did not load");
    });
    loading.catch(function () {
      loading = null; // the next press tries again
    });
    return loading;
  }

  function sourceOf(el) {
    var id = el.getAttribute("data-map-source");
    return id ? document.getElementById(id) : el;
  }

  // A key that changes when the data to show changes, and a loader for it.
  function readSource(el) {
    var source = sourceOf(el);
    if (!source) return null;
    var note = source.getAttribute("data-note") || "";
    if (source.matches('script[type="application/json"]')) {
      var text = source.textContent;
      return {
        key: "island:" + text + "\n" + note,
        note: note,
        load: function () {
          return new Promise(function (resolve) {
            resolve(JSON.parse(text)); // a parse error rejects, like a failed fetch
          });
        },
      };
    }
    var url = source.getAttribute("data-geojson-url");
    if (!url) return null;
    return {
      key: "url:" + url + "\n" + note,
      note: note,
      load: function () {
        return fetch(url, {
          credentials: "same-origin",
          headers: { Accept: "application/geo+json, application/json" },
        }).then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        });
      },
    };
  }

  function isLocalPath(url) {
    return typeof url === "string" && /^\/(?!\/)/.test(url);
  }

  // Popup content as DOM nodes: user data only ever goes through textContent.
  function popupContent(properties, fields) {
    var box = document.createElement("div");
    box.className = "map-popup";
    var title = document.createElement("p");
    title.className = "map-popup-title";
    var name = String(properties.name || "");
    if (isLocalPath(properties.url)) {
      var link = document.createElement("a");
      link.href = properties.url;
      link.textContent = name;
      title.appendChild(link);
    } else {
      title.textContent = name;
    }
    box.appendChild(title);
    var details = fields
      .map(function (field) {
        var value = properties[field];
        return value === undefined || value === null ? "" : String(value);
      })
      .filter(Boolean);
    if (details.length) {
      var meta = document.createElement("p");
      meta.className = "map-popup-meta";
      meta.textContent = details.join(" · ");
      box.appendChild(meta);
    }
    return box;
  }

  // Pieces that need Leaflet, made once it is loaded.
  var parts = null;

  function leafletParts() {
    if (parts) return parts;
    var L = window.L;
    parts = {
      // A line of text in the map's corner (e.g. how many entries have no location).
      Note: L.Control.extend({
        options: { position: "bottomleft" },
        onAdd: function () {
          this._box = L.DomUtil.create("p", "map-note");
          this._box.hidden = true;
          L.DomEvent.disableClickPropagation(this._box);
          return this._box;
        },
        setText: function (text) {
          this._box.textContent = text || "";
          this._box.hidden = !text;
        },
      }),
      // A cluster's icon that says, in the page's language, what it is and what it does.
      ClusterIcon: L.DivIcon.extend({
        createIcon: function (old) {
          var icon = L.DivIcon.prototype.createIcon.call(this, old);
          icon.title = this.options.label;
          icon.setAttribute("aria-label", this.options.label);
          return icon;
        },
      }),
    };
    return parts;
  }

  function markerFor(feature, latlng, fields) {
    var name = String((feature.properties && feature.properties.name) || "");
    var marker = window.L.marker(latlng, { title: name, alt: name, keyboard: true });
    marker.bindPopup(function () {
      return popupContent(feature.properties || {}, fields);
    });
    return marker;
  }

  function show(state, data) {
    var L = window.L;
    var fields = words(
      state.el.getAttribute("data-popup-fields") || "actor_type municipality review"
    );
    var layer = L.geoJSON(data, {
      filter: function (feature) {
        return feature.geometry && feature.geometry.type === "Point";
      },
      pointToLayer: function (feature, latlng) {
        return markerFor(feature, latlng, fields);
      },
    });
    state.markers.clearLayers();
    if (typeof state.markers.addLayers === "function") {
      state.markers.addLayers(layer.getLayers()); // clustered, in chunks when there are many
    } else {
      layer.eachLayer(function (marker) {
        state.markers.addLayer(marker);
      });
    }
    var bounds = layer.getBounds();
    if (bounds.isValid()) {
      state.map.fitBounds(bounds, { padding: [24, 24], maxZoom: 14 });
    } else {
      state.map.setView(SERBIA, SERBIA_ZOOM);
    }
  }

  function refresh(state) {
    var source = readSource(state.el);
    if (!source || source.key === state.key) return;
    state.key = source.key;
    var ticket = ++state.ticket;
    state.note.setText(source.note);
    state.el.setAttribute("aria-busy", "true");
    source
      .load()
      .then(function (data) {
        if (ticket === state.ticket) show(state, data);
      })
      .catch(function () {
        if (ticket === state.ticket) {
          state.markers.clearLayers();
          state.note.setText(state.el.getAttribute("data-label-error") || "");
        }
      })
      .then(function () {
        if (ticket === state.ticket) state.el.removeAttribute("aria-busy");
      });
  }

  function number(el, name) {
    var value = el.getAttribute(name);
    return value === null || value === "" || isNaN(Number(value)) ? null : Number(value);
  }

  function tileLayer(el) {
    var L = window.L;
    var url = el.getAttribute("data-tile-url");
    if (!url) return null;
    var options = { attribution: el.getAttribute("data-tile-attribution") || "", maxZoom: 19 };
    var low = number(el, "data-tile-min-zoom");
    var high = number(el, "data-tile-max-zoom");
    if (low !== null && high !== null) {
      // The archive's own zoom levels: beyond them Leaflet scales its tiles, never asks for more.
      options.minZoom = low;
      options.minNativeZoom = low;
      options.maxNativeZoom = high;
    }
    var box = (el.getAttribute("data-tile-bounds") || "").split(",").map(Number);
    if (box.length === 4 && box.every(isFinite)) {
      options.bounds = L.latLngBounds([box[0], box[1]], [box[2], box[3]]);
    }
    return L.tileLayer(url, options);
  }

  function create(el) {
    var L = window.L;
    var kit = leafletParts();
    var section = el.closest(".map-section"); // hidden with the map, until it opens
    if (section) section.hidden = false;
    el.hidden = false;
    // maxZoom on the map itself: clustering needs one even without a tile layer.
    var map = L.map(el, { zoomControl: false, scrollWheelZoom: false, minZoom: 3, maxZoom: 19 });
    // Wheel zoom only once the reader is on the map, so scrolling the page is not caught.
    map.on("focus click", function () {
      map.scrollWheelZoom.enable();
    });
    map.on("blur", function () {
      map.scrollWheelZoom.disable();
    });
    L.control
      .zoom({
        zoomInTitle: el.getAttribute("data-label-zoom-in") || "+",
        zoomOutTitle: el.getAttribute("data-label-zoom-out") || "-",
      })
      .addTo(map);
    // Leaflet's credit, with its description in the page's language.
    var credit = document.createElement("a");
    credit.href = "https://leafletjs.com";
    credit.title = el.getAttribute("data-label-library") || "";
    credit.textContent = "Leaflet";
    map.attributionControl.setPrefix(credit.outerHTML);
    // The popup's close button says "close" in the page's language.
    var close = el.getAttribute("data-label-close") || "";
    map.on("popupopen", function (event) {
      var button = event.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (button && close) {
        button.setAttribute("aria-label", close);
        button.title = close;
      }
    });
    var tiles = tileLayer(el);
    if (tiles) {
      tiles.addTo(map);
    } else {
      el.classList.add("map-no-tiles");
    }
    var clusterLabel = el.getAttribute("data-label-cluster") || "{n}";
    var markers =
      typeof L.markerClusterGroup === "function"
        ? L.markerClusterGroup({
            chunkedLoading: true,
            showCoverageOnHover: false,
            iconCreateFunction: function (cluster) {
              var count = cluster.getChildCount();
              var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
              return new kit.ClusterIcon({
                html: "<div><span>" + count + "</span></div>",
                className: "marker-cluster marker-cluster-" + size,
                iconSize: L.point(40, 40),
                label: clusterLabel.replace("{n}", String(count)),
              });
            },
          })
        : L.featureGroup();
    markers.addTo(map);
    var note = new kit.Note();
    note.addTo(map);
    map.setView(SERBIA, SERBIA_ZOOM);
    var state = { el: el, map: map, markers: markers, note: note, key: null, ticket: 0 };
    maps.push(state);
    return state;
  }

  function stateOf(el) {
    return maps.find(function (s) {
      return s.el === el;
    });
  }

  function pageOf(node) {
    return (node.closest && node.closest("[data-map-page]")) || document.body;
  }

  function open(button) {
    var page = pageOf(button);
    var canvases = Array.prototype.slice.call(page.querySelectorAll("[data-map]"));
    if (!canvases.length) return;
    var status = page.querySelector("[data-map-status]");
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    if (status) status.textContent = "";
    loadLibrary(canvases[0])
      .then(function () {
        page.classList.add("map-open");
        canvases.forEach(function (el) {
          refresh(stateOf(el) || create(el));
        });
        canvases[0].focus();
      })
      .catch(function () {
        button.disabled = false;
        var current = page.querySelector("[data-map-status]");
        if (current) current.textContent = canvases[0].getAttribute("data-label-error") || "";
      })
      .then(function () {
        button.removeAttribute("aria-busy");
      });
  }

  function scan() {
    maps = maps.filter(function (state) {
      return document.body.contains(state.el);
    });
    maps.forEach(refresh);
    document.querySelectorAll("[data-map-open]").forEach(function (button) {
      button.hidden = false;
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-map-open]");
    if (button && !button.disabled) open(button);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", scan);
  } else {
    scan();
  }
  // A filter change swaps in a new source; a history restore brings a new (closed) map.
  document.addEventListener("htmx:afterSettle", scan);
  document.addEventListener("htmx:historyRestore", scan);
})();
