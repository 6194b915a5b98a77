// Draws the areas of a map block (see maps/includes/area_map.html) onto the Leaflet map that
// django-leaflet creates, and makes the map usable with a keyboard and a screen reader.
(function () {
  "use strict";

  function labelControls(map, container) {
    var zoomIn = container.querySelector(".leaflet-control-zoom-in");
    var zoomOut = container.querySelector(".leaflet-control-zoom-out");
    [[zoomIn, container.dataset.zoomIn], [zoomOut, container.dataset.zoomOut]].forEach(function (pair) {
      if (pair[0] && pair[1]) {
        pair[0].title = pair[1];
        pair[0].setAttribute("aria-label", pair[1]);
      }
    });
  }

  function escapeText(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  }

  window.quartierMapInit = function (map) {
    var container = map.getContainer();
    var source = document.getElementById(container.dataset.mapSource);
    labelControls(map, container);
    if (!source) {
      return;
    }
    var collection = JSON.parse(source.textContent);
    if (!collection.features.length) {
      return;
    }
    var layer = L.geoJSON(collection, {
      style: function () {
        return { color: "#0b4f8a", weight: 2, fillColor: "#0b4f8a", fillOpacity: 0.12 };
      },
      attribution: container.dataset.attribution ? escapeText(container.dataset.attribution) : "",
      onEachFeature: function (feature, featureLayer) {
        // Names come from imported files: always as text, never as HTML.
        var link = document.createElement("a");
        link.href = feature.properties.url;
        link.textContent = feature.properties.name;
        var tooltip = document.createElement("span");
        tooltip.textContent = feature.properties.name;
        featureLayer.bindTooltip(tooltip, { sticky: true });
        featureLayer.bindPopup(link);
      },
    }).addTo(map);
    map.on("popupopen", function (event) {
      var close = event.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (close && container.dataset.closePopup) {
        close.title = container.dataset.closePopup;
        close.setAttribute("aria-label", container.dataset.closePopup);
      }
    });
    map.fitBounds(layer.getBounds(), { padding: [8, 8] });
  };
})();
