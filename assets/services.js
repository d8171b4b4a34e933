/* orr services index: sorting and filtering over the plain table, as
 * progressive enhancement. Without JavaScript the table is complete and in
 * name order. Every value comes from the rows' data-* attributes, which
 * render writes from analyze's facts; owners and tags are contributors'
 * text, so they are only ever set as textContent or option values.
 */
(function () {
  'use strict';
  var table = document.getElementById('services-table');
  var controls = document.getElementById('services-controls');
  if (!table || !controls) { return; }
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var state = { verdict: '', owner: '', tier: '', tag: '', readiness: 0, sort: 'name' };

  function distinct(read) {
    var seen = {};
    rows.forEach(function (r) { read(r).forEach(function (v) { if (v !== '') { seen[v] = true; } }); });
    return Object.keys(seen).sort();
  }

  function field(labelText, control) {
    var label = document.createElement('label');
    label.appendChild(document.createTextNode(labelText + ' '));
    label.appendChild(control);
    controls.appendChild(label);
    controls.appendChild(document.createTextNode(' '));
  }

  function select(labelText, key, values, allText) {
    var s = document.createElement('select');
    var all = document.createElement('option');
    all.value = '';
    all.textContent = allText;
    s.appendChild(all);
    values.forEach(function (v) {
      var o = document.createElement('option');
      o.value = v;
      o.textContent = v;
      s.appendChild(o);
    });
    s.addEventListener('change', function () { state[key] = s.value; update(); });
    field(labelText, s);
  }

  select('Verdict', 'verdict', distinct(function (r) { return [r.dataset.verdict]; }), 'any');
  select('Owner', 'owner', distinct(function (r) { return [r.dataset.owner]; }), 'any');
  select('Tier', 'tier', distinct(function (r) { return [r.dataset.tier]; }), 'any');
  select('Tag', 'tag', distinct(function (r) { return r.dataset.tags.split('\n'); }), 'any');

  var readiness = document.createElement('input');
  readiness.type = 'number';
  readiness.min = '0';
  readiness.max = '100';
  readiness.value = '0';
  readiness.addEventListener('input', function () { state.readiness = Number(readiness.value) || 0; update(); });
  field('Readiness at least (%)', readiness);

  var sort = document.createElement('select');
  [['name', 'name'], ['verdict', 'verdict, worst first'], ['readiness', 'readiness, lowest first'],
   ['tier', 'tier'], ['owner', 'owner'], ['blockers', 'blockers, most first']].forEach(function (pair) {
    var o = document.createElement('option');
    o.value = pair[0];
    o.textContent = pair[1];
    sort.appendChild(o);
  });
  sort.addEventListener('change', function () { state.sort = sort.value; update(); });
  field('Sort by', sort);

  var count = document.createElement('output');
  count.setAttribute('aria-live', 'polite');
  controls.appendChild(count);

  function keep(r) {
    var d = r.dataset;
    return (state.verdict === '' || d.verdict === state.verdict) &&
      (state.owner === '' || d.owner === state.owner) &&
      (state.tier === '' || d.tier === state.tier) &&
      (state.tag === '' || d.tags.split('\n').indexOf(state.tag) >= 0) &&
      Number(d.readiness) >= state.readiness;
  }

  function compare(a, b) {
    var x = a.dataset, y = b.dataset;
    var by = {
      name: 0,
      verdict: Number(y.verdictRank) - Number(x.verdictRank),
      readiness: Number(x.readiness) - Number(y.readiness),
      tier: Number(x.tier) - Number(y.tier),
      owner: x.owner < y.owner ? -1 : (x.owner > y.owner ? 1 : 0),
      blockers: Number(y.blockers) - Number(x.blockers)
    }[state.sort];
    if (by) { return by; }
    return x.name < y.name ? -1 : (x.name > y.name ? 1 : 0);
  }

  function update() {
    var shown = 0;
    rows.slice().sort(compare).forEach(function (r) {
      var visible = keep(r);
      r.hidden = !visible;
      if (visible) { shown += 1; }
      body.appendChild(r);
    });
    count.textContent = shown + ' of ' + rows.length + ' services shown';
  }

  controls.hidden = false;
  update();
}());
