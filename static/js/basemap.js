/* The maps' offline base layers, shared by the map page, the place page and the mesh map.
 *
 * TiersLieuxBasemap.townLabels(url): a Leaflet layer drawing the names of the larger towns at
 * each zoom, from our own commune points (town halls) and populations (compact JSON rows,
 * largest first): from 12,000 inhabitants at the region's zoom, then 5,000, 2,000, 500 and
 * every commune at street level. A dot marks the town hall; the name goes below it, else
 * above, right or left (near, then further), where it covers neither a larger town's name
 * nor a marker of the map (the tiers-lieux); otherwise it is left out. The names are pictures of text for sighted
 * readers (aria-hidden): the pages state the same places in words.
 *
 * TiersLieuxBasemap.offline(map, options): the white land of the départements (when no tile
 * server is set), département lines and, optionally, the commune lines of some départements.
 */
(function () {
  "use strict";

  if (typeof L === "undefined") {
    return;
  }

  // Smallest population whose name is drawn at a zoom level (Leaflet zoom, 0 = the world).
  var THRESHOLDS = [
    [6.5, 50000],
    [7.5, 12000],
    [9, 5000],
    [10.5, 2000],
    [12, 500],
  ];

  function minPopulation(zoom) {
    for (var i = 0; i < THRESHOLDS.length; i++) {
      if (zoom < THRESHOLDS[i][0]) {
        return THRESHOLDS[i][1];
      }
    }
    return 0;
  }

  function sizeClass(population) {
    if (population >= 50000) {
      return "l";
    }
    return population >= 10000 ? "m" : "s";
  }

  var FONT_PX = { l: 15, m: 13, s: 12 };

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

  var TownLabels = L.Layer.extend({
    initialize: function (url) {
      this._url = url;
      this._towns = null;
      this._loading = null;
    },

    onAdd: function (map) {
      if (!map.getPane("towns")) {
        var pane = map.createPane("towns");
        pane.style.zIndex = 450; // above the outlines, below the markers
        pane.style.pointerEvents = "none";
        pane.setAttribute("aria-hidden", "true");
      }
      this._group = L.layerGroup().addTo(map);
      map.on("moveend", this._schedule, this);
      var self = this;
      if (!this._loading) {
        this._loading = getJSON(this._url).then(function (data) {
          // Rows of [name, population, lon, lat], largest first.
          self._towns = data.towns.map(function (row) {
            return { name: row[0], population: row[1], latlng: L.latLng(row[3], row[2]) };
          });
        });
      }
      this._loading.then(function () {
        self._draw();
      });
    },

    onRemove: function (map) {
      map.off("moveend", this._schedule, this);
      window.clearTimeout(this._timer);
      if (this._group) {
        this._group.remove();
      }
    },

    _schedule: function () {
      // Marker clusters settle after the move: draw around their new places.
      window.clearTimeout(this._timer);
      this._timer = window.setTimeout(L.bind(this._draw, this), 350);
    },

    redraw: function () {
      this._schedule();
      return this;
    },

    _obstacles: function (map) {
      var origin = map.getContainer().getBoundingClientRect();
      // Markers (places, groups of places) and the map's controls (zoom, layers, scale).
      var icons = map.getContainer().querySelectorAll(
        ".leaflet-marker-pane .leaflet-marker-icon, .leaflet-control"
      );
      var boxes = [];
      Array.prototype.forEach.call(icons, function (icon) {
        var r = icon.getBoundingClientRect();
        if (r.width && r.height) {
          boxes.push([r.left - origin.left, r.top - origin.top, r.right - origin.left, r.bottom - origin.top]);
        }
      });
      return boxes;
    },

    _draw: function () {
      var map = this._map;
      if (!map || !this._towns || !this._group) {
        return;
      }
      this._group.clearLayers();
      var threshold = minPopulation(map.getZoom());
      var bounds = map.getBounds().pad(0.1);
      var markers = this._obstacles(map);
      var placed = [];
      var drawn = 0;
      function clear(box, boxes) {
        return !boxes.some(function (o) {
          return !(box[2] < o[0] || box[0] > o[2] || box[3] < o[1] || box[1] > o[3]);
        });
      }
      var size0 = map.getSize();
      function free(box) {
        var inside = box[0] >= 0 && box[1] >= 0 && box[2] <= size0.x && box[3] <= size0.y;
        return inside && clear(box, placed) && clear(box, markers);
      }
      for (var i = 0; i < this._towns.length; i++) {
        var town = this._towns[i];
        if (town.population < threshold) {
          break; // largest first
        }
        if (!bounds.contains(town.latlng)) {
          continue;
        }
        var size = sizeClass(town.population);
        var font = FONT_PX[size];
        var width = Math.ceil(town.name.length * font * 0.58) + 6;
        var height = font + 4;
        var p = map.latLngToContainerPoint(town.latlng);
        // Where the name may go, relative to the dot: below, above, right, left, then the
        // same further away (beside a group of places drawn over the town).
        var spots = [];
        [5, 22].forEach(function (gap) {
          spots.push(
            [p.x - width / 2, p.y + gap],
            [p.x - width / 2, p.y - gap - height],
            [p.x + gap + 2, p.y - height / 2],
            [p.x - gap - 2 - width, p.y - height / 2]
          );
        });
        // The dot may hide under a marker, never under another town's name.
        var dot = [p.x - 3, p.y - 3, p.x + 3, p.y + 3];
        if (!clear(dot, placed)) {
          continue;
        }
        var spot = null;
        for (var k = 0; k < spots.length && !spot; k++) {
          var box = [spots[k][0], spots[k][1], spots[k][0] + width, spots[k][1] + height];
          if (free(box)) {
            spot = box;
          }
        }
        if (!spot) {
          continue;
        }
        placed.push(dot, spot);
        var label = document.createElement("span");
        label.className = "town-label__name";
        label.textContent = town.name; // imported names are never parsed as HTML
        label.style.left = spot[0] - p.x + "px";
        label.style.top = spot[1] - p.y + "px";
        label.style.width = width + "px";
        label.style.height = height + "px";
        L.marker(town.latlng, {
          pane: "towns",
          interactive: false,
          keyboard: false,
          icon: L.divIcon({
            className: "town-label town-label--" + size,
            html: label,
            iconSize: [0, 0],
            iconAnchor: [0, 0],
          }),
        }).addTo(this._group);
        drawn += 1;
      }
      map.getContainer().setAttribute("data-town-labels", String(drawn));
    },
  });

  function offline(map, options) {
    // White land under the département lines when there are no tiles; the sea and the
    // neighbouring regions keep the container's background.
    map.createPane("land").style.zIndex = 250;
    map.createPane("communes").style.zIndex = 350;
    var land = L.geoJSON(null, {
      pane: "land",
      interactive: false,
      style: { stroke: false, fillColor: "#ffffff", fillOpacity: 1 },
    });
    if (!options.tileUrl) {
      land.addTo(map);
      map.getContainer().classList.add("place-map--offline");
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
    var done = [
      getJSON(options.departementsUrl).then(function (data) {
        land.addData(data);
        departements.addData(data);
      }),
    ];
    (options.communesUrls || []).forEach(function (url, i) {
      if (i === 0) {
        communes.addTo(map);
      }
      done.push(
        getJSON(url).then(function (data) {
          communes.addData(data);
        })
      );
    });
    return { land: land, departements: departements, communes: communes, ready: Promise.all(done) };
  }

  window.TiersLieuxBasemap = {
    townLabels: function (url) {
      return new TownLabels(url);
    },
    offline: offline,
    minPopulation: minPopulation,
  };
})();
