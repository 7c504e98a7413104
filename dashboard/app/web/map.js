// The map's drawing code, put into the page by dashboard/app/maps.py (MapScripts).
// Its settings arrive before it as bw.S, one JSON object; the layers come as GeoJSON
// through bw.layer(kind, data). Text from sources only ever goes into textContent,
// so it is never parsed as HTML.
(function () {
  var bw = window.bw = window.bw || {};
  var S = bw.S;  // set from JSON just before this script (maps.MapScripts)
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== null && text !== undefined) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }
  function row(box, label, value) {
    if (value === null || value === undefined || value === '') { return; }
    var r = el('div');
    r.appendChild(el('b', label + ': '));
    r.appendChild(document.createTextNode(String(value)));
    box.appendChild(r);
  }
  function counts(p) {
    return p.n + (p.n === 1 ? ' incident, ' : ' incidents, ') +
      p.f + (p.f === 1 ? ' fatality' : ' fatalities');
  }
  bw.incidentPopup = function (p) {
    var box = el('div', null, 'bw-popup');
    box.appendChild(el('div', p.t, 'bw-popup-title'));
    row(box, 'Date', p.d);
    row(box, 'Place', p.pl);
    row(box, 'Placed', S.precision_words[p.lp] || p.lp);
    row(box, 'Fatalities', p.f === null || p.f === undefined ? 'not reported' : p.f);
    row(box, 'Review', p.r);
    if (p.x) { box.appendChild(el('div', '\u201c' + p.x + '\u201d', 'bw-popup-excerpt')); }
    box.appendChild(el('div', 'Source text in the panel beside the map', 'bw-popup-hint'));
    return box;
  };
  bw.incidentStyle = function (p) {
    var s = S.precision_styles[p.lp] || S.precision_styles.point;
    var colour = S.event_colours[p.t] || '#444';
    return {radius: s.radius, weight: s.weight, fillOpacity: s.fillOpacity,
            dashArray: s.dashArray || null, color: s.stroke || colour, fillColor: colour,
            opacity: 1};
  };
  bw.haloStyle = function (p) {
    var s = S.precision_styles[p.lp] || S.precision_styles.point;
    return {radius: s.radius, weight: s.weight + S.halo_px, color: '#fff', opacity: 0.9,
            fill: false, interactive: false};
  };
  // Unreviewed: a dotted ring outside the halo (maps.UNREVIEWED_RING), not clickable.
  bw.unreviewedStyle = function (p) {
    var s = S.precision_styles[p.lp] || S.precision_styles.point;
    var u = S.unreviewed_ring;
    return {radius: s.radius + s.weight + S.halo_px + u.gap, weight: u.weight, color: u.color,
            dashArray: u.dashArray, opacity: 1, fill: false, interactive: false};
  };
  function spot(f) { return f.geometry.coordinates.join(','); }
  function incidentLine(p) {
    return [p.d, p.t, p.pl || S.precision_words[p.lp] || p.lp].filter(Boolean).join(' \u00b7 ');
  }
  // Several incidents at one spot (the same village, or a province's anchor) share a popup
  // that lists them; choosing one selects it as a click on its own mark would.
  bw.stackPopup = function (members, selected) {
    var box = el('div', null, 'bw-popup bw-stack');
    box.appendChild(el('div', members.length + ' incidents here', 'bw-popup-title'));
    members.forEach(function (m) {
      var p = m.feature.properties;
      var item = el('button', incidentLine(p), 'bw-stack-item');
      item.type = 'button';
      item.setAttribute('data-incident', p.id);
      if (p.id === selected) { item.className += ' bw-stack-selected'; }
      L.DomEvent.on(item, 'click', function (e) {
        L.DomEvent.stop(e);
        m.fire('click', {latlng: m.getLatLng()}, true);  // reaches streamlit-folium's handler
      });
      box.appendChild(item);
    });
    box.appendChild(el('div', 'Choose one to read its sources beside the map', 'bw-popup-hint'));
    return box;
  };
  function tip(text) { return function () { return el('span', text()); }; }
  bw.layer = function (kind, data) {
    if (kind === 'incidents') {
      var stacks = {};
      var layer = L.geoJSON(data, {
        pointToLayer: function (f, ll) {
          return L.circleMarker(ll, bw.incidentStyle(f.properties));
        },
        onEachFeature: function (f, lyr) {
          (stacks[spot(f)] = stacks[spot(f)] || []).push(lyr);
          lyr.bindPopup(function () {
            var members = stacks[spot(f)];
            return members.length > 1 ? bw.stackPopup(members, data.selected)
                                      : bw.incidentPopup(f.properties);
          }, {maxWidth: 270, autoPanPaddingTopLeft: [20, 20],
              // keep the popup left of the legend, which sits above it
              autoPanPaddingBottomRight: [S.legend_px + 24, 20]});
        }
      });
      // White halos under every mark (no feature: they are not clickable incidents).
      var halos = L.layerGroup(data.features.map(function (f) {
        var c = f.geometry.coordinates;
        return L.circleMarker([c[1], c[0]], bw.haloStyle(f.properties));
      }).concat(data.features.filter(function (f) {
        return f.properties.r === 'unreviewed';
      }).map(function (f) {
        var c = f.geometry.coordinates;
        return L.circleMarker([c[1], c[0]], bw.unreviewedStyle(f.properties));
      })));
      if (data.selected) {
        layer.once('add', function () {
          layer.eachLayer(function (lyr) {
            if (lyr.feature.properties.id === data.selected) { lyr.openPopup(); }
          });
        });
      }
      return L.layerGroup([halos, layer]);
    }
    if (kind === 'cells') {
      return L.geoJSON(data, {
        pointToLayer: function (f, ll) {
          var n = f.properties.n;
          return L.circleMarker(ll, {radius: Math.min(28, 5 + 2.2 * Math.sqrt(n)),
            color: '#7f2704', weight: 1, fillColor: '#f16913', fillOpacity: 0.55});
        },
        onEachFeature: function (f, lyr) {
          lyr.bindTooltip(tip(function () {
            return counts(f.properties) + ' within ~' +
              Math.round(f.properties.s * 111) + ' km: narrow the filters to see each one';
          }));
        }
      });
    }
    if (kind === 'provinces') {
      return L.geoJSON(data, {
        style: function (f) {
          return {color: '#8c8c8c', weight: 0.7, fillColor: f.properties.c, fillOpacity: 0.85};
        },
        onEachFeature: function (f, lyr) {
          lyr.bindTooltip(tip(function () {
            var p = f.properties;
            var vague = p.a ? ' (' + p.a + ' somewhere in the province, not on a segment)' : '';
            return p.name + ' (' + p.id + '): ' + counts(p) + vague;
          }), {sticky: true});
        }
      });
    }
    if (kind === 'segments') {
      // The border line is the subject: a white casing under a dark line stands out
      // from every province fill; segments with incidents on them are red and thicker.
      var casing = L.geoJSON(data, {
        interactive: false,
        style: function (f) {
          return {color: '#fff', weight: f.properties.w + 3, opacity: 0.9, lineCap: 'round'};
        }
      });
      var line = L.geoJSON(data, {
        style: function (f) {
          return {color: f.properties.c, weight: f.properties.w, opacity: 1, lineCap: 'round'};
        },
        onEachFeature: function (f, lyr) {
          lyr.bindTooltip(tip(function () {
            return f.properties.name + ': ' + counts(f.properties) + ' on this segment';
          }), {sticky: true});
        }
      });
      return L.featureGroup([casing, line]);
    }
    if (kind === 'neighbours') {
      return L.geoJSON(data, {
        interactive: false,
        style: function () {
          return {color: '#b0b0b0', weight: 0.8, fillColor: '#d4d4d4', fillOpacity: 1};
        }
      });
    }
    if (kind === 'labels') { return bw.labels(data); }
    if (kind === 'selection') {
      return L.geoJSON(data, {
        interactive: false,
        style: function () {
          return {color: '#000', weight: 4, opacity: 0.8, fill: false, dashArray: '6 4'};
        },
        pointToLayer: function (f, ll) {
          return L.circleMarker(ll, {radius: 16, color: '#000', weight: 3, fill: false,
                                     interactive: false});
        }
      });
    }
    throw new Error('unknown layer kind ' + kind);
  };
  // Names as text (never HTML), each from the zoom at which it fits (cartography.py);
  // not interactive, so clicks reach the incidents and provinces under them.
  var LABEL_Z = {country: 3000, neighbour: 2500, province: 2000, place: 1000};
  bw.labels = function (data) {
    var group = L.layerGroup();
    var items = data.features.map(function (f) {
      var p = f.properties;
      var c = f.geometry.coordinates;
      var icon = L.divIcon({html: el('span', p.t, 'bw-label bw-label-' + p.c),
                            className: 'bw-label-icon', iconSize: null});
      return {z: p.z, marker: L.marker([c[1], c[0]], {
        icon: icon, interactive: false, keyboard: false, zIndexOffset: LABEL_Z[p.c] || 0})};
    });
    function update() {
      if (!group._map) { return; }
      var zoom = group._map.getZoom();
      items.forEach(function (item) {
        if (zoom >= item.z) { group.addLayer(item.marker); } else { group.removeLayer(item.marker); }
      });
    }
    group.on('add', function () { update(); group._map.on('zoomend', update); });
    group.on('remove', function (e) { e.target._map && e.target._map.off('zoomend', update); });
    return group;
  };
  // The legend sits top right; while it is open, every fit leaves its width free on the
  // right, so it never covers the data. It opens by itself only on a map wide enough.
  bw.legendOpen = function (map) {
    if (bw._legendOpen !== undefined) { return bw._legendOpen; }
    return map.getSize().x >= S.legend_open_min_px;
  };
  bw.fit = function (map, bounds, options) {
    var right = bw.legendOpen(map) ? S.legend_px + 16 : 16;
    map.fitBounds(bounds, L.extend({paddingTopLeft: [48, 36], paddingBottomRight: [right, 16]},
                                   options || {}));
  };
  function markKey(precision, unreviewed) {
    // The incident mark itself, small: the same radius ratio, weight, dash and fill.
    var s = S.precision_styles[precision];
    var ns = 'http://www.w3.org/2000/svg';
    var svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('width', '22'); svg.setAttribute('height', '22');
    svg.setAttribute('class', 'bw-key-mark');
    var c = document.createElementNS(ns, 'circle');
    c.setAttribute('cx', '11'); c.setAttribute('cy', '11');
    c.setAttribute('r', String(Math.min(8, 2 + s.radius * 0.4)));
    c.setAttribute('stroke', s.stroke || '#333'); c.setAttribute('stroke-width', String(s.weight));
    c.setAttribute('fill', '#333'); c.setAttribute('fill-opacity', String(s.fillOpacity));
    if (s.dashArray) { c.setAttribute('stroke-dasharray', s.dashArray); }
    svg.appendChild(c);
    if (unreviewed) {
      var u = S.unreviewed_ring;
      var ring = document.createElementNS(ns, 'circle');
      ring.setAttribute('cx', '11'); ring.setAttribute('cy', '11'); ring.setAttribute('r', '9');
      ring.setAttribute('fill', 'none'); ring.setAttribute('stroke', u.color);
      ring.setAttribute('stroke-width', String(u.weight));
      ring.setAttribute('stroke-dasharray', u.dashArray);
      svg.appendChild(ring);
    }
    return svg;
  }
  function legendRow(r) {
    var line = el('div', null, 'bw-legend-row');
    if (r.shape === 'mark') {
      line.appendChild(markKey(r.precision));
    } else if (r.shape === 'review') {
      line.appendChild(markKey('point', !r.reviewed));
    } else {
      var key = el('span', null, 'bw-key bw-key-' + r.shape);
      key.style.background = r.fill || 'transparent';
      key.style.borderColor = r.stroke || '#777';
      line.appendChild(key);
    }
    line.appendChild(el('span', r.label));
    return line;
  }
  bw.Legend = L.Layer.extend({
    initialize: function (spec) { this.spec = spec; },
    onAdd: function (map) {
      var spec = this.spec;
      var control = L.control({position: 'topright'});
      control.onAdd = function () {
        // A <details>: one click folds it away; the choice holds across reruns.
        var box = el('details', null, 'bw-legend leaflet-control');
        box.open = bw.legendOpen(map);
        box.addEventListener('toggle', function () { bw._legendOpen = box.open; });
        box.appendChild(el('summary', spec.title, 'bw-legend-title'));
        spec.sections.forEach(function (section) {
          box.appendChild(el('div', section.title, 'bw-legend-heading'));
          var rows = el('div', null, section.inline ? 'bw-legend-inline' : 'bw-legend-rows');
          section.rows.forEach(function (r) { rows.appendChild(legendRow(r)); });
          box.appendChild(rows);
        });
        if (spec.note) { box.appendChild(el('div', spec.note, 'bw-legend-note')); }
        L.DomEvent.disableClickPropagation(box);
        L.DomEvent.disableScrollPropagation(box);
        return box;
      };
      this._control = control.addTo(map);
    },
    onRemove: function () { if (this._control) { this._control.remove(); } }
  });
  bw.FitBounds = L.Layer.extend({
    initialize: function (bounds, token) { this.bounds = bounds; this.token = token || ''; },
    onAdd: function (map) {
      var key = this.token + JSON.stringify(this.bounds);
      if (this.bounds && bw._fitted !== key) {
        bw._fitted = key;
        bw.fit(map, this.bounds, {maxZoom: 10});
      }
    },
    onRemove: function () {}
  });
})();
