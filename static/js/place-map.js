/* The small map of a place's page: the place's marker over the same offline layers as the map
 * page (white départements, commune lines of the départements around it, names of the larger towns; tiles
 * only when MAP_TILE_URL is set). Everything is read from the container's data-* attributes.
 */
(function () {
  "use strict";

  var container = document.getElementById("place-map");
  if (!container || typeof L === "undefined" || !window.TiersLieuxBasemap) {
    return;
  }
  var data = container.dataset;
  var lat = parseFloat(data.lat);
  var lon = parseFloat(data.lon);
  if (!isFinite(lat) || !isFinite(lon)) {
    return;
  }
  var point = L.latLng(lat, lon);
  // At its address: the streets around; at the town hall only: the commune and its neighbours.
  var zoom = data.precision === "address" ? 12 : 11;
  var map = L.map(container, { zoomSnap: 0.5, minZoom: 6, maxZoom: 18 }).setView(point, zoom);
  if (data.dataAttribution) {
    map.attributionControl.addAttribution(data.dataAttribution);
  }
  if (data.tileUrl) {
    L.tileLayer(data.tileUrl, { attribution: data.tileAttribution, maxZoom: 19 }).addTo(map);
  }
  var layers = window.TiersLieuxBasemap.offline(map, {
    tileUrl: data.tileUrl,
    departementsUrl: data.departementsUrl,
    communesUrls: (data.communesUrls || "").split(" ").filter(Boolean),
  });
  if (data.townsUrl) {
    window.TiersLieuxBasemap.townLabels(data.townsUrl).addTo(map);
  }
  L.marker(point, {
    icon: L.divIcon({
      className: "place-marker place-marker--" + (data.state || "open"),
      iconSize: [18, 18],
      iconAnchor: [9, 9],
    }),
    title: data.name,
    alt: data.name,
    keyboard: false,
    interactive: false,
  }).addTo(map);
  L.control.scale({ imperial: false }).addTo(map);
  layers.ready
    .then(function () {
      container.setAttribute("data-ready", "true");
    })
    .catch(function () {
      container.setAttribute("data-ready", "error");
    });
})();
