// Bando's map page: the basemap, the layers ticked in the list, identify on click, and the
// view kept in the URL hash (#map=zoom/lat/lon&layers=a,b). Data from the server is shown
// with textContent only.
(function () {
  'use strict';
  var layers = JSON.parse(document.getElementById('layers').textContent) || [];
  var config = JSON.parse(document.getElementById('map-config').textContent) || {};
  var strings = config.strings || {};
  var bySlug = {};
  layers.forEach(function (layer, i) { layer.order = i; bySlug[layer.slug] = layer; });
  var zIndex = { polygon: 10, mixed: 20, line: 30, point: 40 };

  var map = L.map('map', { minZoom: 5, maxZoom: 19, zoomControl: true });
  L.tileLayer('/tiles/base/{z}/{x}/{y}{r}.png', { maxZoom: 19, zIndex: 1 }).addTo(map);
  var shown = {};

  function latLngBounds(b) { return L.latLngBounds([b[1], b[0]], [b[3], b[2]]); }
  function checkbox(slug) {
    return document.querySelector('input[name="layer"][value="' + CSS.escape(slug) + '"]');
  }
  function onSlugs() {
    return layers.filter(function (l) { return shown[l.slug]; }).map(function (l) { return l.slug; });
  }

  function show(slug, on) {
    var layer = bySlug[slug];
    if (!layer) return;
    if (on && !shown[slug]) {
      shown[slug] = L.tileLayer('/tiles/' + encodeURIComponent(slug) + '/{z}/{x}/{y}{r}.png', {
        maxZoom: 19, zIndex: 100 + (zIndex[layer.kind] || 20) * 100 + layer.order
      }).addTo(map);
    } else if (!on && shown[slug]) {
      map.removeLayer(shown[slug]);
      delete shown[slug];
    }
    var box = checkbox(slug);
    if (box) box.checked = on;
  }

  function writeHash() {
    var c = map.getCenter();
    var hash = '#map=' + map.getZoom() + '/' + c.lat.toFixed(5) + '/' + c.lng.toFixed(5);
    var on = onSlugs();
    if (on.length) hash += '&layers=' + on.join(',');
    if (location.hash !== hash) history.replaceState(null, '', hash);
  }

  function readHash() {
    var view = null, slugs = [];
    location.hash.replace(/^#/, '').split('&').forEach(function (part) {
      var kv = part.split('=');
      if (kv[0] === 'map') {
        var v = (kv[1] || '').split('/').map(Number);
        if (v.length === 3 && v.every(isFinite)) view = v;
      } else if (kv[0] === 'layers' && kv[1]) {
        slugs = decodeURIComponent(kv[1]).split(',');
      }
    });
    return { view: view, slugs: slugs.filter(function (s) { return bySlug[s]; }) };
  }

  function applyHash() {
    var state = readHash();
    layers.forEach(function (l) { show(l.slug, state.slugs.indexOf(l.slug) >= 0); });
    if (state.view) {
      map.setView([state.view[1], state.view[2]], state.view[0]);
      return;
    }
    var box = null;
    state.slugs.forEach(function (s) {
      if (bySlug[s].bounds) box = box ? box.extend(latLngBounds(bySlug[s].bounds)) : latLngBounds(bySlug[s].bounds);
    });
    if (!box && config.bounds) box = latLngBounds(config.bounds);
    if (box) map.fitBounds(box); else map.setView([16, 106], 6);
  }

  document.querySelectorAll('input[name="layer"]').forEach(function (box) {
    box.addEventListener('change', function () { show(box.value, box.checked); writeHash(); });
  });
  document.querySelectorAll('button.zoom-to').forEach(function (button) {
    button.addEventListener('click', function () {
      var layer = bySlug[button.getAttribute('data-slug')];
      if (layer && layer.bounds) map.fitBounds(latLngBounds(layer.bounds), { maxZoom: 17 });
    });
  });

  var toggle = document.getElementById('layers-toggle');
  var panel = document.getElementById('layer-panel');
  toggle.addEventListener('click', function () {
    var open = panel.classList.toggle('open');
    toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
  });

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function valueText(value) {
    if (value === null || value === undefined) return '';
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  }

  function identify(event) {
    var on = onSlugs();
    if (!on.length) return;
    var query = '?lon=' + event.latlng.lng.toFixed(7) + '&lat=' + event.latlng.lat.toFixed(7) + '&z=' + map.getZoom();
    var popup = L.popup({ maxWidth: 320, maxHeight: 320 }).setLatLng(event.latlng);
    Promise.all(on.map(function (slug) {
      return fetch('/layers/' + encodeURIComponent(slug) + '/identify' + query, { credentials: 'same-origin' })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); });
    })).then(function (results) {
      var box = element('div', 'identify');
      var found = 0;
      results.forEach(function (result) {
        if (!result.features.length) return;
        box.appendChild(element('h3', null, bySlug[result.layer] ? bySlug[result.layer].title : result.layer));
        result.features.forEach(function (feature) {
          found += 1;
          var table = element('table', 'properties');
          table.appendChild(element('caption', null, (strings.map_identify_feature || '') + ' ' + feature.id));
          Object.keys(feature.properties).forEach(function (key) {
            var row = element('tr');
            row.appendChild(element('th', null, key));
            row.appendChild(element('td', null, valueText(feature.properties[key])));
            table.appendChild(row);
          });
          box.appendChild(table);
        });
        if (result.more) box.appendChild(element('p', 'more', strings.map_identify_more));
      });
      if (!found) box.appendChild(element('p', 'empty', strings.map_identify_nothing));
      popup.setContent(box).openOn(map);
    }).catch(function () {
      popup.setContent(element('p', 'empty', strings.map_identify_failed)).openOn(map);
    });
  }

  applyHash();
  writeHash();
  map.on('moveend', writeHash);
  map.on('click', identify);
  window.addEventListener('hashchange', applyHash);
})();
