// Choosing a contribution's place on the map, with a mouse or with the keyboard alone.
// Keyboard: the map takes focus; the arrow keys move the map under the crosshair in its
// middle; Enter sets a point there (or adds a corner to a line or an area). A live region
// says what was set and in which area. The hidden `geometry` field receives GeoJSON; the
// server checks it again. Without JavaScript this part stays hidden and the address, area
// and "no specific place" choices do the same job.
(function () {
  "use strict";

  var KIND_MINIMUM = { Point: 1, LineString: 2, Polygon: 3 };

  function round(value) {
    return Math.round(value * 100000) / 100000;
  }

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, name) {
      return values[name] === undefined ? "" : String(values[name]);
    });
  }

  function geometryOf(kind, vertices) {
    if (vertices.length < KIND_MINIMUM[kind]) {
      return "";
    }
    var coordinates = vertices.map(function (latlng) {
      return [round(latlng.lng), round(latlng.lat)];
    });
    if (kind === "Point") {
      return JSON.stringify({ type: "Point", coordinates: coordinates[0] });
    }
    if (kind === "LineString") {
      return JSON.stringify({ type: "LineString", coordinates: coordinates });
    }
    return JSON.stringify({ type: "Polygon", coordinates: [coordinates.concat([coordinates[0]])] });
  }

  function verticesOf(text) {
    // The kept value after an error: draw it again so nothing has to be redone.
    try {
      var geometry = JSON.parse(text);
      var flip = function (pair) { return L.latLng(pair[1], pair[0]); };
      if (geometry.type === "Point") {
        return { kind: "Point", vertices: [flip(geometry.coordinates)] };
      }
      if (geometry.type === "LineString") {
        return { kind: "LineString", vertices: geometry.coordinates.map(flip) };
      }
      if (geometry.type === "Polygon") {
        return { kind: "Polygon", vertices: geometry.coordinates[0].slice(0, -1).map(flip) };
      }
    } catch (error) {
      return null;
    }
    return null;
  }

  window.quartierPlacePicker = function (map) {
    var container = map.getContainer();
    var picker = container.closest("[data-place-picker]");
    var messages = JSON.parse(document.getElementById(picker.dataset.messages).textContent);
    var input = document.getElementById(picker.dataset.input);
    var status = picker.querySelector("[data-place-status]");
    var mapChoice = document.getElementById(picker.dataset.mapChoice);
    var kindInputs = picker.querySelectorAll("input[name='place-kind']");
    var state = { kind: "Point", vertices: [] };
    var drawn = L.layerGroup().addTo(map);

    window.quartierDrawOutline(map, container);
    window.quartierDrawProposals(map, container);
    var outline = container.dataset.outlineSource &&
      document.getElementById(container.dataset.outlineSource);
    if (outline && outline.textContent.trim()) {
      map.fitBounds(L.geoJSON(JSON.parse(outline.textContent)).getBounds(), { padding: [8, 8] });
    }
    container.setAttribute("aria-describedby", picker.dataset.hint);
    // The map may start hidden (another way of giving the place is chosen): once it is
    // shown, Leaflet must measure it again.
    var wasHidden = container.clientWidth === 0;
    new ResizeObserver(function () {
      if (container.clientWidth === 0) {
        wasHidden = true;
        return;
      }
      if (wasHidden) {
        wasHidden = false;
        map.invalidateSize();
        if (outline && outline.textContent.trim() && !state.vertices.length) {
          map.fitBounds(L.geoJSON(JSON.parse(outline.textContent)).getBounds(), { padding: [8, 8] });
        }
      }
    }).observe(container);

    function currentKind() {
      var checked = picker.querySelector("input[name='place-kind']:checked");
      return checked ? checked.value : (kindInputs.length ? kindInputs[0].value : "Point");
    }

    function redraw() {
      drawn.clearLayers();
      var style = { color: "#a4262c", weight: 4 };
      if (state.kind === "Point" && state.vertices.length) {
        // A red ring, unlike the proposals' blue markers: the place being chosen.
        L.circleMarker(state.vertices[0], {
          radius: 11, weight: 4, color: "#a4262c", fillColor: "#ffffff", fillOpacity: 0.6,
          interactive: false,
        }).addTo(drawn);
      } else if (state.kind === "LineString" && state.vertices.length) {
        L.polyline(state.vertices, style).addTo(drawn);
      } else if (state.kind === "Polygon" && state.vertices.length) {
        L.polygon(state.vertices, style).addTo(drawn);
      }
      state.vertices.forEach(function (latlng) {
        L.circleMarker(latlng, { radius: 4, color: "#a4262c", interactive: false }).addTo(drawn);
      });
      input.value = geometryOf(state.kind, state.vertices);
      picker.dataset.vertices = String(state.vertices.length);
    }

    function say(text) {
      // Cleared first so that the same words twice are announced twice.
      status.textContent = "";
      window.setTimeout(function () { status.textContent = text; }, 50);
    }

    function describe(latlng) {
      var values = { lat: round(latlng.lat), lon: round(latlng.lng), count: state.vertices.length };
      var base;
      if (state.kind === "Point") {
        base = format(messages.pointSet, values);
      } else {
        base = format(messages.cornerSet, values);
        var missing = KIND_MINIMUM[state.kind] - state.vertices.length;
        if (missing > 0) {
          base += " " + format(messages.cornersMissing, { count: missing });
        }
      }
      say(base);
      fetch(picker.dataset.checkUrl + "?lon=" + values.lon + "&lat=" + values.lat)
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (place) {
          if (!place) {
            return;
          }
          var where = place.area ? format(messages.inArea, { area: place.area }) : "";
          var outside = place.inside ? "" : " " + messages.outside;
          say(base + " " + where + outside);
        })
        .catch(function () { /* the announcement without the area is enough */ });
    }

    function add(latlng) {
      var kind = currentKind();
      if (kind !== state.kind) {
        state = { kind: kind, vertices: [] };
      }
      if (kind === "Point") {
        state.vertices = [latlng];
      } else {
        state.vertices.push(latlng);
      }
      if (mapChoice && !mapChoice.checked) {
        mapChoice.checked = true;
        mapChoice.dispatchEvent(new Event("change", { bubbles: true }));
      }
      redraw();
      describe(latlng);
    }

    map.on("click", function (event) { add(event.latlng); });
    container.addEventListener("keydown", function (event) {
      if (event.target !== container) {
        return; // a marker or a popup has focus, not the map itself
      }
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        add(map.getCenter());
      }
    });
    kindInputs.forEach(function (kindInput) {
      kindInput.addEventListener("change", function () {
        state = { kind: currentKind(), vertices: [] };
        redraw();
        say(messages.kindChanged);
      });
    });
    picker.querySelector("[data-place-undo]").addEventListener("click", function () {
      state.vertices.pop();
      redraw();
      say(format(messages.removed, { count: state.vertices.length }));
    });
    picker.querySelector("[data-place-clear]").addEventListener("click", function () {
      state.vertices = [];
      redraw();
      say(messages.cleared);
    });

    var kept = input.value && verticesOf(input.value);
    if (kept) {
      var kindInput = picker.querySelector("input[name='place-kind'][value='" + kept.kind + "']");
      if (kindInput) {
        kindInput.checked = true;
      }
      state = kept;
      redraw();
    }
  };

  // Show only the part of the location fieldset that belongs to the chosen way.
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-location-choices]").forEach(function (fieldset) {
      var radios = fieldset.querySelectorAll("input[type='radio'][name='location']");
      function update() {
        radios.forEach(function (radio) {
          var panel = document.getElementById("location-panel-" + radio.value);
          if (panel) {
            panel.hidden = !radio.checked;
          }
        });
      }
      radios.forEach(function (radio) { radio.addEventListener("change", update); });
      update();
    });
  });
})();
