// A feature's page: a small map of the feature over the basemap. The geometry comes as
// GeoJSON (EPSG:4326) in the map element's data-geometry attribute. A point or a small shape
// is shown at zoom 15 at most, so its surroundings stay in view.
(function () {
  'use strict';
  var element = document.getElementById('feature-map');
  if (!element || typeof L === 'undefined') return;
  var geometry = null;
  try { geometry = JSON.parse(element.getAttribute('data-geometry') || 'null'); } catch (e) { geometry = null; }

  var map = L.map(element, { minZoom: 5, maxZoom: 19, scrollWheelZoom: false });
  L.tileLayer('/tiles/base/{z}/{x}/{y}{r}.png', { maxZoom: 19 }).addTo(map);
  if (!geometry) {
    map.setView([16, 106], 6);
    return;
  }
  var shape = L.geoJSON({ type: 'Feature', geometry: geometry, properties: {} }, {
    style: function () { return { color: '#c0392b', weight: 3, fillOpacity: 0.25 }; },
    pointToLayer: function (feature, latlng) {
      return L.circleMarker(latlng, { radius: 7, color: '#c0392b', weight: 2, fillOpacity: 0.6 });
    }
  }).addTo(map);
  var bounds = shape.getBounds();
  if (bounds.isValid()) map.fitBounds(bounds, { maxZoom: 15, padding: [20, 20] }); else map.setView([16, 106], 6);
})();
