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
    if (p.x) { box.appendChild(el('div', '\u201c' + p.x + '\u201d', 'bw-popup-excerpt')); }
    box.appendChild(el('div', 'Source text in the panel beside the map', 'bw-popup-hint'));
    return box;
  };
  bw.incidentStyle = function (p) {
    var s = S.precision_styles[p.lp] || S.precision_styles.point;
    var colour = S.event_colours[p.t] || '#444';
    return {radius: s.radius, weight: s.weight, fillOpacity: s.fillOpacity,
            dashArray: s.dashArray || null, color: colour, fillColor: colour, opacity: 0.95};
  };
  function tip(text) { return function () { return el('span', text()); }; }
  bw.layer = function (kind, data) {
    if (kind === 'incidents') {
      var layer = L.geoJSON(data, {
        pointToLayer: function (f, ll) {
          return L.circleMarker(ll, bw.incidentStyle(f.properties));
        },
        onEachFeature: function (f, lyr) {
          lyr.bindPopup(function () { return bw.incidentPopup(f.properties); },
                        {maxWidth: 320, autoPanPadding: [20, 20]});
        }
      });
      if (data.selected) {
        layer.once('add', function () {
          layer.eachLayer(function (lyr) {
            if (lyr.feature.properties.id === data.selected) { lyr.openPopup(); }
          });
        });
      }
      return layer;
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
      return L.geoJSON(data, {
        style: function (f) {
          return {color: f.properties.c, weight: f.properties.w, opacity: 0.9, lineCap: 'round'};
        },
        onEachFeature: function (f, lyr) {
          lyr.bindTooltip(tip(function () {
            return f.properties.name + ': ' + counts(f.properties) + ' on this segment';
          }), {sticky: true});
        }
      });
    }
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
  bw.Legend = L.Layer.extend({
    initialize: function (spec) { this.spec = spec; },
    onAdd: function (map) {
      var spec = this.spec;
      var control = L.control({position: 'bottomright'});
      control.onAdd = function () {
        // A <details>: one click folds the legend away when it hides incidents.
        var box = el('details', null, 'bw-legend leaflet-control');
        box.open = true;
        box.appendChild(el('summary', spec.title, 'bw-legend-title'));
        spec.rows.forEach(function (r) {
          var line = el('div', null, 'bw-legend-row');
          var key = el('span', null, 'bw-key bw-key-' + r.shape);
          key.style.background = r.fill || 'transparent';
          key.style.borderColor = r.stroke || '#555';
          if (r.dash) { key.style.borderStyle = 'dashed'; }
          line.appendChild(key);
          line.appendChild(el('span', r.label));
          box.appendChild(line);
        });
        if (spec.note) { box.appendChild(el('div', spec.note, 'bw-legend-note')); }
        L.DomEvent.disableClickPropagation(box);
        return box;
      };
      this._control = control.addTo(map);
    },
    onRemove: function () { if (this._control) { this._control.remove(); } }
  });
  bw.FitBounds = L.Layer.extend({
    initialize: function (bounds) { this.bounds = bounds; },
    onAdd: function (map) {
      var key = JSON.stringify(this.bounds);
      if (this.bounds && bw._fitted !== key) {
        bw._fitted = key;
        map.fitBounds(this.bounds, {padding: [20, 20], maxZoom: 10});
      }
    },
    onRemove: function () {}
  });
})();
