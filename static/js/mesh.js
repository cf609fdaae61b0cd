/* The territorial mesh map (Leaflet, served by the product).
 *
 * Reads its configuration from the JSON script #mesh-config: outline and travel-time URLs, the
 * open places, the colour classes and translated labels. Communes (our own offline outlines,
 * the same as the directory's map) are coloured by the mean travel time of their inhabitants
 * to the nearest open place; white zones are outlined. When a scenario finishes (an HTMX
 * fragment holding #scenario-sites), its recommended sites are drawn as numbered squares and
 * the colours follow the scenario's parameters.
 */
// The legend's colour swatches: set through the DOM (the Content Security Policy refuses style
// attributes written in the page).
(function () {
  "use strict";
  var swatches = document.querySelectorAll("[data-swatch-colour]");
  for (var i = 0; i < swatches.length; i++) {
    swatches[i].style.backgroundColor = swatches[i].getAttribute("data-swatch-colour");
  }
})();

(function () {
  "use strict";

  var configNode = document.getElementById("mesh-config");
  var container = document.getElementById("mesh-map");
  if (!configNode || !container || typeof L === "undefined") {
    return;
  }
  var config = JSON.parse(configNode.textContent);
  var labels = config.labels;
  var status = document.getElementById("mesh-map-status");
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

  function getJSON(url) {
    return fetch(url, {
      headers: { Accept: "application/geo+json, application/json" },
      credentials: "same-origin",
    }).then(function (response) {
      if (!response.ok) {
        throw new Error(url + ": HTTP " + response.status);
      }
      return response.json();
    });
  }

  var regionBounds = L.latLngBounds([42.77, -1.8], [47.18, 2.62]);
  var map = L.map(container, { zoomSnap: 0.25, minZoom: 5, maxZoom: 14 });
  map.fitBounds(regionBounds);
  map.attributionControl.addAttribution(config.dataAttribution);
  if (config.tileUrl) {
    L.tileLayer(config.tileUrl, { attribution: config.tileAttribution, maxZoom: 19 }).addTo(map);
  } else {
    container.classList.add("place-map--offline");
  }

  // Panes, bottom to top: land, coloured communes, white-zone outlines, département lines
  // (overlay pane), then places and sites (marker panes).
  map.createPane("land").style.zIndex = 250;
  map.createPane("communes").style.zIndex = 350;
  map.createPane("whiteZones").style.zIndex = 360;
  var canvas = L.canvas({ pane: "communes", padding: 0.2 });

  var land = L.geoJSON(null, {
    pane: "land",
    interactive: false,
    style: { stroke: false, fillColor: "#ffffff", fillOpacity: 1 },
  });
  if (!config.tileUrl) {
    land.addTo(map);
  }

  var times = {};
  var outlines = null;

  function classOf(minutes) {
    for (var i = 0; i < config.classes.length; i++) {
      var upper = config.classes[i].max;
      if (upper === null || minutes <= upper) {
        return config.classes[i];
      }
    }
    return config.classes[config.classes.length - 1];
  }

  function communeStyle(feature) {
    var t = times[feature.properties.code];
    var colour = t && t.minutes !== null ? classOf(t.minutes).colour : config.noDataColour;
    return { color: "#ffffff", weight: 0.3, opacity: 0.7, fillColor: colour, fillOpacity: 0.85 };
  }

  function formatNumber(value, digits) {
    return Number(value).toLocaleString(language, { maximumFractionDigits: digits });
  }

  function tooltipText(layer) {
    var p = layer.feature.properties;
    var t = times[p.code];
    if (!t || t.minutes === null) {
      return p.name + " — " + labels.noData;
    }
    var bits = [
      fill(labels.minutes, { minutes: formatNumber(t.minutes, 0) }),
      fill(labels.covered, {
        share: (t.share_covered * 100).toLocaleString(language, { maximumFractionDigits: 0 }) + " %",
      }),
    ];
    if (t.white) {
      bits.push(labels.whiteZone);
    }
    return p.name + " — " + bits.join(" · ");
  }

  var communes = L.geoJSON(null, {
    renderer: canvas,
    pane: "communes",
    style: communeStyle,
    onEachFeature: function (_feature, layer) {
      layer.bindTooltip(tooltipText, { sticky: true });
    },
  }).addTo(map);

  var whiteZones = L.geoJSON(null, {
    pane: "whiteZones",
    renderer: L.canvas({ pane: "whiteZones", padding: 0.2 }),
    interactive: false,
    filter: function (feature) {
      var t = times[feature.properties.code];
      return Boolean(t && t.white);
    },
    style: { color: "#1b1b1f", weight: 0.9, opacity: 0.75, fill: false },
  }).addTo(map);

  var departements = L.geoJSON(null, {
    interactive: false,
    style: { color: "#00558c", weight: 1.8, fill: false },
  }).addTo(map);

  var places = L.layerGroup(
    config.places.map(function (p) {
      return L.circleMarker([p[1], p[0]], {
        radius: 4.5,
        color: "#ffffff",
        weight: 1.5,
        fillColor: "#00558c",
        fillOpacity: 1,
        className: "mesh-place",
      }).bindTooltip(p[2]);
    })
  ).addTo(map);

  var sites = L.layerGroup().addTo(map);

  var overlays = {};
  overlays[labels.times] = communes;
  overlays[labels.whiteZones] = whiteZones;
  overlays[labels.departements] = departements;
  overlays[labels.places] = places;
  overlays[labels.sites] = sites;
  // Names of the larger towns (static/js/basemap.js), over the coloured communes.
  if (window.TiersLieuxBasemap && config.townsUrl) {
    var towns = window.TiersLieuxBasemap.townLabels(config.townsUrl).addTo(map);
    overlays[labels.towns] = towns;
  }
  L.control.layers(null, overlays, { collapsed: false }).addTo(map);
  L.control.scale({ imperial: false }).addTo(map);

  function redrawTimes() {
    communes.setStyle(communeStyle);
    whiteZones.clearLayers();
    if (outlines) {
      whiteZones.addData(outlines);
    }
  }

  function loadTimes(url) {
    return getJSON(url).then(function (data) {
      times = data;
      redrawTimes();
    });
  }

  say(labels.loading);
  var outlinesDone = getJSON(config.departementsUrl).then(function (data) {
    land.addData(data);
    departements.addData(data);
  });
  var communesDone = Promise.all([getJSON(config.communesUrl), getJSON(config.timesUrl)]).then(
    function (results) {
      outlines = results[0];
      times = results[1];
      communes.addData(outlines);
      whiteZones.addData(outlines);
      say(fill(labels.loaded, { count: outlines.features.length.toLocaleString(language) }));
    }
  );

  Promise.all([outlinesDone, communesDone])
    .then(function () {
      container.setAttribute("data-ready", "true");
      drawScenario();
    })
    .catch(function () {
      say(labels.failed);
      container.setAttribute("data-ready", "error");
    });

  function drawScenario() {
    var node = document.getElementById("scenario-sites");
    if (!node || node.getAttribute("data-drawn") === "true") {
      return;
    }
    node.setAttribute("data-drawn", "true");
    var list = JSON.parse(node.textContent);
    sites.clearLayers();
    list.forEach(function (site) {
      var title = fill(labels.site, { rank: site.rank, name: site.name });
      L.marker([site.lat, site.lon], {
        icon: L.divIcon({
          className: "mesh-site",
          html: String(site.rank),
          iconSize: [22, 22],
          iconAnchor: [11, 11],
        }),
        title: title,
        alt: title,
        keyboard: true,
        zIndexOffset: 1000,
      })
        .bindTooltip(title)
        .addTo(sites);
    });
    container.setAttribute("data-sites", String(list.length));
    var message = fill(labels.sitesDrawn, { count: list.length });
    var timesNode = document.getElementById("scenario-times");
    if (timesNode && outlines) {
      loadTimes(timesNode.getAttribute("data-url"))
        .then(function () {
          say(message + " " + labels.scenarioTimes);
        })
        .catch(function () {
          say(message);
        });
    } else {
      say(message);
    }
  }

  document.body.addEventListener("htmx:afterSettle", function (event) {
    // A refused scenario: move focus to the list of errors (its links lead to the fields).
    var errors = document.getElementById("scenario-errors");
    if (errors && event.detail && event.detail.target && event.detail.target.id === "scenario") {
      errors.focus();
    }
    if (container.getAttribute("data-ready") === "true") {
      drawScenario();
    }
  });
})();
