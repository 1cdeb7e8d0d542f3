// Small maps of the layer and review pages: every element with data-tiles becomes a Leaflet map
// of the basemap and those tiles, fitted to data-bounds ([west, south, east, north]) of its own
// or of its group (.review-maps); the maps of one group move together.
(function () {
  'use strict';
  if (!window.L) return;
  function bounds(element) {
    var holder = element.closest('[data-bounds]');
    try {
      var b = JSON.parse((holder && holder.getAttribute('data-bounds')) || 'null');
      if (b && b.length === 4) return L.latLngBounds([b[1], b[0]], [b[3], b[2]]);
    } catch (e) { /* no usable bounds: the province's view */ }
    return null;
  }
  var groups = new Map();
  document.querySelectorAll('[data-tiles]').forEach(function (element) {
    var map = L.map(element, { minZoom: 5, maxZoom: 19, scrollWheelZoom: false });
    L.tileLayer('/tiles/base/{z}/{x}/{y}{r}.png', { maxZoom: 19 }).addTo(map);
    L.tileLayer(element.getAttribute('data-tiles'), { maxZoom: 19 }).addTo(map);
    var box = bounds(element);
    if (box) map.fitBounds(box, { maxZoom: 15, padding: [12, 12] }); else map.setView([21.35, 106.45], 9);
    var group = element.closest('.review-maps');
    if (group) {
      if (!groups.has(group)) groups.set(group, []);
      groups.get(group).push(map);
    }
  });
  groups.forEach(function (maps) {
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
  });
  document.querySelectorAll('form[data-confirm]').forEach(function (form) {
    form.addEventListener('submit', function (event) {
      if (!window.confirm(form.getAttribute('data-confirm'))) event.preventDefault();
    });
  });
})();
