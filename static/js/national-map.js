/* The national comparison's map (Leaflet, served by the product): the départements of the
 * regions compared, coloured by the share of their inhabitants within the threshold.
 *
 * Reads its configuration from the JSON script #national-config: the outlines URL (our own
 * offline département outlines), the share of each département, the colour classes and the
 * translated labels. The tables of the page give the same information in words.
 */
(function () {
  "use strict";
  var swatches = document.querySelectorAll("[data-swatch-colour]");
  for (var i = 0; i < swatches.length; i++) {
    swatches[i].style.backgroundColor = swatches[i].getAttribute("data-swatch-colour");
  }

  var configNode = document.getElementById("national-config");
  var container = document.getElementById("national-map");
  if (!configNode || !container || typeof L === "undefined") {
    return;
  }
  var config = JSON.parse(configNode.textContent);
  var labels = config.labels;
  var status = document.getElementById("national-map-status");
  var language = document.documentElement.lang || "fr";

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_match, key) {
      return values[key];
    });
  }

  function colourOf(share) {
    for (var i = 0; i < config.classes.length; i++) {
      if (share >= config.classes[i].min) {
        return config.classes[i].colour;
      }
    }
    return config.classes[config.classes.length - 1].colour;
  }

  var map = L.map(container, { zoomSnap: 0.25, minZoom: 3, maxZoom: 12 });
  map.fitBounds(L.latLngBounds([41.3, -5.2], [51.1, 9.6])); // metropolitan France
  map.attributionControl.addAttribution(config.dataAttribution);
  if (config.tileUrl) {
    L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: 19 }).addTo(map);
  } else {
    container.classList.add("place-map--offline");
  }

  say(labels.loading);
  fetch(config.outlinesUrl, {
    headers: { Accept: "application/geo+json, application/json" },
    credentials: "same-origin",
  })
    .then(function (response) {
      if (!response.ok) {
        throw new Error(config.outlinesUrl + ": HTTP " + response.status);
      }
      return response.json();
    })
    .then(function (data) {
      var shown = 0;
      var layer = L.geoJSON(data, {
        filter: function (feature) {
          return Object.prototype.hasOwnProperty.call(config.shares, feature.properties.code);
        },
        style: function (feature) {
          return {
            color: "#4b5563",
            weight: 0.8,
            fillColor: colourOf(config.shares[feature.properties.code]),
            fillOpacity: 0.85,
          };
        },
        onEachFeature: function (feature, item) {
          shown += 1;
          var share = config.shares[feature.properties.code];
          var text =
            (config.names[feature.properties.code] || feature.properties.name) +
            " — " +
            fill(labels.share, {
              share: (share * 100).toLocaleString(language, { maximumFractionDigits: 1 }) + " %",
            });
          item.bindTooltip(text, { sticky: true });
        },
      }).addTo(map);
      if (shown) {
        map.fitBounds(layer.getBounds(), { padding: [8, 8] });
      }
      say(fill(labels.loaded, { count: shown }));
      container.setAttribute("data-ready", "true");
    })
    .catch(function () {
      say(labels.failed);
      container.setAttribute("data-ready", "error");
    });
})();
