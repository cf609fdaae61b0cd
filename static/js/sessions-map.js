/* The map of upcoming training sessions: one marker per host place, a popup listing its
 * sessions (links to the session pages), over the same offline layers as the place page.
 * Everything is read from the container's data-* attributes; the page lists the same sessions
 * in words below the map.
 */
(function () {
  "use strict";

  var container = document.getElementById("sessions-map");
  if (!container || typeof L === "undefined" || !window.TiersLieuxBasemap) {
    return;
  }
  var data = container.dataset;
  var map = L.map(container, { zoomSnap: 0.5, minZoom: 6, maxZoom: 18 }).setView([45.2, 0.2], 7);
  if (data.tileUrl) {
    L.tileLayer(data.tileUrl, { attribution: data.tileAttribution, maxZoom: 19 }).addTo(map);
  }
  var layers = window.TiersLieuxBasemap.offline(map, {
    tileUrl: data.tileUrl,
    departementsUrl: data.departementsUrl,
    communesUrls: [],
  });
  if (data.townsUrl) {
    window.TiersLieuxBasemap.townLabels(data.townsUrl).addTo(map);
  }
  L.control.scale({ imperial: false }).addTo(map);

  function popup(props) {
    var box = document.createElement("div");
    var title = document.createElement("strong");
    title.textContent = props.place + " (" + props.commune + ")";
    box.appendChild(title);
    var list = document.createElement("ul");
    props.sessions.forEach(function (session) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      // Only our own paths are linked (the feed gives the session pages' paths).
      if (typeof session.url === "string" && session.url.charAt(0) === "/") {
        link.href = session.url;
      }
      link.textContent = session.starts + " — " + session.title;
      item.appendChild(link);
      list.appendChild(item);
    });
    box.appendChild(list);
    return box;
  }

  var sessions = fetch(data.sessionsUrl, { headers: { Accept: "application/geo+json" } })
    .then(function (response) {
      if (!response.ok) {
        throw new Error("sessions " + response.status);
      }
      return response.json();
    })
    .then(function (collection) {
      var markers = collection.features.map(function (feature) {
        var coords = feature.geometry.coordinates;
        var marker = L.marker([coords[1], coords[0]], {
          icon: L.divIcon({ className: "place-marker place-marker--open", iconSize: [18, 18], iconAnchor: [9, 9] }),
          title: feature.properties.place,
          alt: feature.properties.place,
        });
        marker.bindPopup(popup(feature.properties));
        return marker.addTo(map);
      });
      if (markers.length) {
        map.fitBounds(L.featureGroup(markers).getBounds().pad(0.2), { maxZoom: 11 });
      }
      container.setAttribute("data-markers", String(markers.length));
    });

  Promise.all([layers.ready, sessions])
    .then(function () {
      container.setAttribute("data-ready", "true");
    })
    .catch(function () {
      container.setAttribute("data-ready", "error");
    });
})();
