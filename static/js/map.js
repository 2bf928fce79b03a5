// Solidarna's maps: Leaflet (static/vendor) with marker clustering, fed by GeoJSON.
// Progressive enhancement: the page lists the same entries without it.
//
// Any page can use it. Load leaflet.css, MarkerCluster.css, MarkerCluster.Default.css,
// css/map.css, then leaflet.js, leaflet.markercluster.js and this file (all `defer`), and write
//
//   <div class="map-canvas" hidden data-map role="region" aria-label="..."
//        data-tile-url="{{ MAP_TILE_URL or '' }}" data-tile-attribution="..."
//        data-map-source="ID"                         (optional; default: the map element itself)
//        data-popup-fields="actor_type municipality"  (optional: properties shown under the name)
//        data-label-zoom-in="..." data-label-zoom-out="..." data-label-error="..."></div>
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
// When htmx swaps in a new source element (a filter change), the markers follow. The page that
// shows a map must be loaded in full (links to it: hx-boost="false"): it needs these scripts,
// and its own Content-Security-Policy allowing the tile server in img-src.
"use strict";

(function () {
  if (typeof window.L === "undefined") return; // no Leaflet: the list on the page remains

  var SERBIA = [44.1, 20.8];
  var SERBIA_ZOOM = 7;
  var maps = [];

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

  // A line of text in the map's corner (e.g. how many entries have no location).
  var NoteControl = L.Control.extend({
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
  });

  function markerFor(feature, latlng, fields) {
    var name = String((feature.properties && feature.properties.name) || "");
    var marker = L.marker(latlng, { title: name, alt: name, keyboard: true });
    marker.bindPopup(function () {
      return popupContent(feature.properties || {}, fields);
    });
    return marker;
  }

  function show(state, data) {
    var fields = (state.el.getAttribute("data-popup-fields") || "actor_type municipality review")
      .split(/\s+/)
      .filter(Boolean);
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

  function create(el) {
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
    var tiles = el.getAttribute("data-tile-url");
    if (tiles) {
      L.tileLayer(tiles, {
        attribution: el.getAttribute("data-tile-attribution") || "",
        maxZoom: 19,
      }).addTo(map);
    } else {
      el.classList.add("map-no-tiles");
    }
    var markers =
      typeof L.markerClusterGroup === "function"
        ? L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false })
        : L.featureGroup();
    markers.addTo(map);
    var note = new NoteControl();
    note.addTo(map);
    map.setView(SERBIA, SERBIA_ZOOM);
    var state = { el: el, map: map, markers: markers, note: note, key: null, ticket: 0 };
    maps.push(state);
    return state;
  }

  function scan() {
    maps = maps.filter(function (state) {
      return document.body.contains(state.el);
    });
    document.querySelectorAll("[data-map]").forEach(function (el) {
      var state = maps.find(function (s) {
        return s.el === el;
      });
      refresh(state || create(el));
    });
  }

  scan();
  // A filter change swaps in a new source; a history restore brings a new map element.
  document.addEventListener("htmx:afterSettle", scan);
  document.addEventListener("htmx:historyRestore", scan);
})();
