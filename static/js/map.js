/* The public map of the tiers-lieux (Leaflet + Leaflet.markercluster, served by the product).
 *
 * Reads its configuration from the JSON script #map-config (URLs, tile layer, translated
 * labels). Without tiles, the base layer is our own département outlines; commune outlines are
 * an overlay fetched when switched on. Places come from a GeoJSON feed with the page's filters.
 */
(function () {
  "use strict";

  var configNode = document.getElementById("map-config");
  var container = document.getElementById("place-map");
  if (!configNode || !container || typeof L === "undefined") {
    return;
  }
  var config = JSON.parse(configNode.textContent);
  var labels = config.labels;
  var status = document.getElementById("map-status");

  function say(text) {
    if (status) {
      status.textContent = text;
    }
  }

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/geo+json, application/json" } }).then(
      function (response) {
        if (!response.ok) {
          throw new Error(url + ": HTTP " + response.status);
        }
        return response.json();
      }
    );
  }

  // Nouvelle-Aquitaine, until the outlines or the places give a better extent.
  var regionBounds = L.latLngBounds([42.77, -1.8], [47.18, 2.62]);
  var map = L.map(container, {
    zoomSnap: 0.5,
    minZoom: 5,
    maxZoom: 18,
  });
  map.fitBounds(regionBounds);
  map.attributionControl.addAttribution(config.dataAttribution);

  if (config.tileUrl) {
    L.tileLayer(config.tileUrl, {
      attribution: config.tileAttribution,
      maxZoom: 19,
    }).addTo(map);
  } else {
    container.classList.add("place-map--offline");
  }

  // Panes, bottom to top: land (white départements when there are no tiles), commune lines,
  // département lines (the default overlay pane), then markers.
  map.createPane("land").style.zIndex = 250;
  map.createPane("communes").style.zIndex = 350;

  var land = L.geoJSON(null, {
    pane: "land",
    interactive: false,
    style: { stroke: false, fillColor: "#ffffff", fillOpacity: 1 },
  });
  if (!config.tileUrl) {
    land.addTo(map);
  }

  var departements = L.geoJSON(null, {
    interactive: false,
    style: { color: "#00558c", weight: 1.5, fill: false },
  }).addTo(map);

  var communes = L.geoJSON(null, {
    pane: "communes",
    interactive: false,
    style: { color: "#6b7280", weight: 0.6, fill: false },
  });
  var communesLoaded = false;
  communes.on("add", function () {
    if (communesLoaded) {
      return;
    }
    communesLoaded = true;
    getJSON(config.communesUrl)
      .then(function (data) {
        communes.addData(data);
      })
      .catch(function () {
        communesLoaded = false;
      });
  });

  function markerIcon(state) {
    return L.divIcon({
      className: "place-marker place-marker--" + state,
      iconSize: [18, 18],
      iconAnchor: [9, 9],
      popupAnchor: [0, -9],
    });
  }

  function popupContent(properties) {
    // Built with DOM nodes: names come from imported data, never parsed as HTML.
    var box = document.createElement("div");
    box.className = "place-popup";
    var title = document.createElement("p");
    title.className = "place-popup__name";
    var link = document.createElement("a");
    link.href = properties.url;
    link.textContent = properties.name;
    title.appendChild(link);
    box.appendChild(title);
    var facts = document.createElement("p");
    facts.className = "place-popup__facts";
    var bits = [];
    if (properties.kinds && properties.kinds.length) {
      bits.push(properties.kinds.join(", "));
    }
    bits.push(properties.commune + " (" + properties.departement + ")");
    bits.push(properties.state_label);
    facts.textContent = bits.join(" · ");
    box.appendChild(facts);
    return box;
  }

  var clusters = L.markerClusterGroup({
    showCoverageOnHover: false,
    maxClusterRadius: 50,
    spiderfyOnMaxZoom: true,
  });

  var places = L.geoJSON(null, {
    pointToLayer: function (feature, latlng) {
      var p = feature.properties;
      return L.marker(latlng, {
        icon: markerIcon(p.state),
        title: p.name,
        alt: p.name,
        keyboard: true,
        riseOnHover: true,
      });
    },
    onEachFeature: function (feature, layer) {
      layer.bindPopup(popupContent(feature.properties));
    },
  });

  var overlays = {};
  overlays[labels.places] = clusters;
  overlays[labels.departements] = departements;
  overlays[labels.communes] = communes;
  // Names of the larger towns (static/js/basemap.js): a readable background without tiles.
  if (window.TiersLieuxBasemap && config.townsUrl) {
    var towns = window.TiersLieuxBasemap.townLabels(config.townsUrl);
    overlays[labels.towns] = towns;
    if (!config.tileUrl) {
      towns.addTo(map);
    }
    clusters.on("animationend", function () {
      towns.redraw(); // names go around the groups of places where they settled
    });
  }
  // Layers registered by other parts of the product (places/map_layers.py), e.g. the public
  // premises on offer: shown at once, switched off in the layer control.
  function extraPopup(layer, properties) {
    var box = document.createElement("div");
    box.className = "place-popup";
    var title = document.createElement("p");
    title.className = "place-popup__name";
    var link = document.createElement("a");
    link.href = properties.url;
    link.textContent = properties.title;
    title.appendChild(link);
    box.appendChild(title);
    var facts = document.createElement("p");
    facts.className = "place-popup__facts";
    facts.textContent = properties.commune_name;
    box.appendChild(facts);
    if (layer.figureLabel && properties.figure !== null && properties.figure !== undefined) {
      var figure = document.createElement("p");
      figure.className = "place-popup__figure";
      figure.setAttribute("data-figure", String(properties.figure));
      figure.textContent = layer.figureLabel.replace(
        "%(count)s",
        Number(properties.figure).toLocaleString(document.documentElement.lang || undefined)
      );
      box.appendChild(figure);
    }
    return box;
  }
  (config.extraLayers || []).forEach(function (layer) {
    var group = L.geoJSON(null, {
      pointToLayer: function (feature, latlng) {
        return L.marker(latlng, {
          icon: L.divIcon({
            className: "map-marker map-marker--" + layer.key,
            iconSize: [18, 18],
            iconAnchor: [9, 9],
            popupAnchor: [0, -9],
          }),
          title: feature.properties.title,
          alt: feature.properties.title,
          keyboard: true,
          riseOnHover: true,
        });
      },
      onEachFeature: function (feature, marker) {
        marker.bindPopup(extraPopup(layer, feature.properties));
      },
    });
    overlays[layer.label] = group;
    group.addTo(map);
    getJSON(layer.url)
      .then(function (data) {
        group.addData(data);
        container.setAttribute("data-layer-" + layer.key, String(data.features.length));
      })
      .catch(function () {
        container.setAttribute("data-layer-" + layer.key, "error");
      });
  });
  L.control.layers(null, overlays, { collapsed: false }).addTo(map);
  // Without tiles, a town's zoom shows the commune lines under the names (once: the visitor
  // may switch them off again).
  var communesShown = false;
  map.on("zoomend", function () {
    if (!config.tileUrl && !communesShown && map.getZoom() >= 10) {
      communesShown = true;
      communes.addTo(map);
    }
  });
  L.control.scale({ imperial: false }).addTo(map);
  map.addLayer(clusters);

  say(labels.loading);
  var outlinesDone = getJSON(config.departementsUrl).then(function (data) {
    land.addData(data);
    departements.addData(data);
    container.setAttribute("data-departements", String(data.features.length));
    return departements.getBounds();
  });
  var placesDone = getJSON(config.placesUrl).then(function (data) {
    places.addData(data);
    clusters.addLayer(places);
    container.setAttribute("data-places", String(data.features.length));
    say(labels.loaded.replace("%(count)s", String(data.features.length)));
    return data.features.length ? places.getBounds() : null;
  });

  Promise.all([outlinesDone, placesDone])
    .then(function (extents) {
      var bounds = extents[1] || extents[0];
      if (bounds && bounds.isValid()) {
        // Keep markers clear of the zoom, layer and attribution controls.
        map.fitBounds(bounds, {
          maxZoom: 12,
          paddingTopLeft: [60, 30],
          paddingBottomRight: [220, 50],
        });
      }
      container.setAttribute("data-ready", "true");
    })
    .catch(function () {
      say(labels.failed);
      container.setAttribute("data-ready", "error");
    });
})();
