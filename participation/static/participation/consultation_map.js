// The map of a consultation: its area, its proposals and the contributions that have a place.
// The list on the page shows the same contributions with the same filters; the map adds the
// picture. Texts from participants are always inserted as text, never as HTML.
// Contributions are coloured by category, or by what the container's data-colour-by names
// ("outcome" on the result report) with the colours of its data-colours (JSON, keyed by value;
// the key "" colours features without one).
(function () {
  "use strict";

  var CATEGORY_COLOURS = {
    suggestion: "#0b6e4f",
    concern: "#a4262c",
    question: "#5c2d91",
    praise: "#8a5a00",
    "": "#3b3b3b",
  };

  function readJson(id) {
    var element = id && document.getElementById(id);
    if (!element || !element.textContent.trim()) {
      return null;
    }
    return JSON.parse(element.textContent);
  }

  function popupContent(title, text, url) {
    var wrapper = document.createElement("div");
    var link = document.createElement("a");
    link.href = url;
    link.textContent = title;
    wrapper.appendChild(link);
    if (text) {
      var paragraph = document.createElement("p");
      paragraph.textContent = text;
      wrapper.appendChild(paragraph);
    }
    return wrapper;
  }

  window.quartierDrawOutline = function (map, container) {
    var outline = readJson(container.dataset.outlineSource);
    if (!outline) {
      return null;
    }
    return L.geoJSON(outline, {
      interactive: false,
      style: { color: "#0b4f8a", weight: 2, dashArray: "6 4", fillOpacity: 0.04 },
    }).addTo(map);
  };

  window.quartierDrawProposals = function (map, container) {
    var proposals = readJson(container.dataset.proposalSource);
    if (!proposals || !proposals.features.length) {
      return null;
    }
    return L.geoJSON(proposals, {
      pointToLayer: function (feature, latlng) {
        // Proposals are few: real markers, reachable with Tab, named by their title.
        return L.marker(latlng, { alt: feature.properties.name, title: feature.properties.name });
      },
      style: { color: "#0b4f8a", weight: 4 },
      onEachFeature: function (feature, layer) {
        layer.bindPopup(popupContent(feature.properties.name, "", feature.properties.url));
      },
    }).addTo(map);
  };

  window.quartierConsultationMap = function (map) {
    var container = map.getContainer();
    var bounds = L.latLngBounds([]);
    [window.quartierDrawOutline(map, container), window.quartierDrawProposals(map, container)]
      .forEach(function (layer) {
        if (layer) {
          bounds.extend(layer.getBounds());
        }
      });
    if (bounds.isValid()) {
      map.fitBounds(bounds, { padding: [8, 8] });
    }
    var url = container.dataset.featuresUrl;
    if (!url) {
      return;
    }
    var status = document.getElementById(container.dataset.statusId);
    fetch(url, { headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (collection) {
        var template = container.dataset.contributionUrl;
        var colourBy = container.dataset.colourBy || "category";
        var colours = container.dataset.colours
          ? JSON.parse(container.dataset.colours) : CATEGORY_COLOURS;
        var layer = L.geoJSON(collection, {
          pointToLayer: function (feature, latlng) {
            return L.circleMarker(latlng, { radius: 7, weight: 2, fillOpacity: 0.8 });
          },
          style: function (feature) {
            var colour = colours[feature.properties[colourBy]] || colours[""];
            return { color: colour, fillColor: colour, weight: 3, fillOpacity: 0.3 };
          },
          onEachFeature: function (feature, layer) {
            var p = feature.properties;
            var label = p[colourBy + "_label"] || container.dataset.noValueText || "";
            var title = (label ? label + " " : "") + "#" + p.id;
            layer.bindPopup(
              popupContent(title, p.removed ? container.dataset.removedText : p.excerpt,
                template + p.id + "/")
            );
          },
        }).addTo(map);
        container.dataset.loadedFeatures = String(collection.features.length);
        if (status) {
          status.textContent = container.dataset.loadedText.replace(
            "%(count)s", String(collection.features.length)
          );
        }
        var fitFeatures = container.dataset.fit === "features" || !bounds.isValid();
        if (fitFeatures && collection.features.length) {
          map.fitBounds(layer.getBounds(), { padding: [8, 8], maxZoom: 15 });
        }
      })
      .catch(function () {
        if (status) {
          status.textContent = container.dataset.failedText;
        }
      });
  };
})();

// The map on a contribution's own page: the consultation area and this contribution's place.
window.quartierContributionMap = function (map) {
  "use strict";
  var container = map.getContainer();
  window.quartierDrawOutline(map, container);
  var source = document.getElementById(container.dataset.proposalSource);
  var place = L.geoJSON(JSON.parse(source.textContent), {
    pointToLayer: function (feature, latlng) {
      return L.circleMarker(latlng, { radius: 8, weight: 3, color: "#a4262c" });
    },
    style: { color: "#a4262c", weight: 4 },
  }).addTo(map);
  map.fitBounds(place.getBounds(), { maxZoom: 16, padding: [16, 16] });
};
