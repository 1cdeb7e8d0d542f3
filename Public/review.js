// The version review page: the version under review and the published one on two maps over
// the basemap, moving together.
(function () {
  'use strict';
  var holder = document.getElementById('review-maps');
  if (!holder || !window.L) return;
  var bounds = null;
  try {
    var b = JSON.parse(holder.getAttribute('data-bounds') || 'null');
    if (b && b.length === 4) bounds = L.latLngBounds([b[1], b[0]], [b[3], b[2]]);
  } catch (e) { bounds = null; }
  var maps = [];
  ['map-version', 'map-published'].forEach(function (id) {
    var element = document.getElementById(id);
    if (!element) return;
    var map = L.map(element, { minZoom: 5, maxZoom: 19 });
    L.tileLayer('/tiles/base/{z}/{x}/{y}{r}.png', { maxZoom: 19 }).addTo(map);
    L.tileLayer(element.getAttribute('data-tiles'), { maxZoom: 19 }).addTo(map);
    if (bounds) map.fitBounds(bounds); else map.setView([21.1, 106.3], 9);
    maps.push(map);
  });
  var moving = false;
  maps.forEach(function (map) {
    map.on('move', function () {
      if (moving) return;
      moving = true;
      maps.forEach(function (other) {
        if (other !== map) other.setView(map.getCenter(), map.getZoom(), { animate: false });
      });
      moving = false;
    });
  });
})();
