// The map of a geodata resource on a dataset page (see opendata/includes/geodata_map.html):
// loads the features from the page's map-data route and draws them on the Leaflet map that
// django-leaflet creates. Points are keyboard-reachable markers named after the feature (dots
// on one canvas when there are too many to tab through); lines
// and areas are drawn with a tooltip. The list under the map holds the same features.
(function () {
  "use strict";

  var STYLE = { color: "#0b4f8a", weight: 2, fillColor: "#0b4f8a", fillOpacity: 0.15 };
  // Up to this many points are markers a keyboard can reach one by one; beyond it they are
  // drawn as dots (one canvas, no tab stops), and the list below is the way through them.
  var MAX_MARKERS = 300;

  function label(button, text) {
    if (button && text) {
      button.title = text;
      button.setAttribute("aria-label", text);
    }
  }

  function textNode(text) {
    var span = document.createElement("span");
    span.textContent = text; // names come from uploaded files: always text, never HTML
    return span;
  }

  function marker(feature, latlng) {
    return L.marker(latlng, {
      alt: feature.properties.name + " (" + feature.properties.row + ")",
      keyboard: true,
      title: feature.properties.name,
    });
  }

  function dot(renderer) {
    return function (feature, latlng) {
      return L.circleMarker(latlng, {
        renderer: renderer,
        radius: 4,
        color: "#ffffff",
        weight: 1,
        fillColor: "#0b4f8a",
        fillOpacity: 0.9,
      });
    };
  }

  window.quartierFeatureMapInit = function (map) {
    var container = map.getContainer();
    var status = document.getElementById(container.id + "-status");
    label(container.querySelector(".leaflet-control-zoom-in"), container.dataset.zoomIn);
    label(container.querySelector(".leaflet-control-zoom-out"), container.dataset.zoomOut);
    map.on("popupopen", function (event) {
      label(event.popup.getElement().querySelector(".leaflet-popup-close-button"), container.dataset.closePopup);
    });
    fetch(container.dataset.featuresUrl, { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (collection) {
        var layer = L.geoJSON(collection, {
          style: function () {
            return STYLE;
          },
          pointToLayer: collection.features.length > MAX_MARKERS ? dot(L.canvas()) : marker,
          onEachFeature: function (feature, featureLayer) {
            featureLayer.bindPopup(textNode(feature.properties.name));
            if (!(featureLayer instanceof L.Marker)) {
              featureLayer.bindTooltip(textNode(feature.properties.name), { sticky: true });
            }
          },
        }).addTo(map);
        var bounds = layer.getBounds();
        if (bounds.isValid()) {
          map.fitBounds(bounds, { padding: [8, 8], maxZoom: 16 });
        }
      })
      .catch(function () {
        if (status) {
          status.textContent = container.dataset.loadingFailed;
        }
      });
  };
})();
