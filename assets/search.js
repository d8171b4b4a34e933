/* orr search: progressive enhancement of the search form in every page's
 * header. Without JavaScript the form goes to the search page, which says
 * what to use instead. The index (search/index.js) and elasticlunr.js are
 * loaded on first use, as scripts, so search also works with no server
 * and no network. Every text of the index is content a contributor wrote:
 * results are built with textContent and attributes only, never parsed as HTML.
 */
(function () {
  'use strict';
  var MAX_RESULTS = 20;
  var form = document.querySelector('form.site-search');
  if (!form) { return; }
  var input = form.querySelector('input[name="q"]');
  var dropdown = document.getElementById('site-search-results');
  var pageList = document.getElementById('search-page-results');
  var index = null;
  var waiting = [];

  function addScript(src, then) {
    var s = document.createElement('script');
    s.src = src;
    s.onload = then;
    s.onerror = function () { failed('the search index could not be loaded'); };
    document.head.appendChild(s);
  }

  /* Calls `then` with the loaded index, loading it first if need be. */
  function withIndex(then) {
    if (index) { then(index); return; }
    waiting.push(then);
    if (waiting.length > 1) { return; }
    var ready = function () {
      index = window.elasticlunr.Index.load(window.orrSearch.index);
      var calls = waiting;
      waiting = [];
      calls.forEach(function (f) { f(index); });
    };
    var loadIndex = function () {
      if (window.orrSearch) { ready(); } else { addScript(form.dataset.index, ready); }
    };
    if (window.elasticlunr) { loadIndex(); } else { addScript(form.dataset.elasticlunr, loadIndex); }
  }

  function failed(message) {
    var list = pageList || dropdown;
    list.textContent = '';
    var li = document.createElement('li');
    li.textContent = 'Search is unavailable: ' + message + '.';
    list.appendChild(li);
    list.hidden = false;
  }

  function search(idx, query) {
    return idx.search(query, {
      bool: 'AND',
      expand: true,
      fields: { title: { boost: 2 }, body: { boost: 1 } }
    }).slice(0, MAX_RESULTS).map(function (hit) {
      return window.orrSearch.docs[Number(hit.ref)];
    }).filter(Boolean);
  }

  function show(list, query, docs) {
    list.textContent = '';
    if (query.trim() === '') { list.hidden = true; return; }
    if (docs.length === 0) {
      var none = document.createElement('li');
      none.className = 'search-none';
      none.textContent = 'Nothing found for “' + query + '”.';
      list.appendChild(none);
    }
    docs.forEach(function (doc) {
      var li = document.createElement('li');
      var a = document.createElement('a');
      a.href = doc.url;
      a.textContent = doc.title;
      var kind = document.createElement('span');
      kind.className = 'search-kind';
      kind.textContent = doc.kind;
      var context = document.createElement('span');
      context.className = 'search-context';
      context.textContent = doc.context;
      li.appendChild(kind);
      li.appendChild(document.createTextNode(' '));
      li.appendChild(a);
      li.appendChild(document.createTextNode(' '));
      li.appendChild(context);
      list.appendChild(li);
    });
    list.hidden = false;
  }

  function run(list) {
    var query = input.value;
    withIndex(function (idx) {
      if (input.value === query) { show(list, query, search(idx, query)); }
    });
  }

  var timer = null;
  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(function () { run(pageList || dropdown); }, 120);
  });
  input.addEventListener('focus', function () { withIndex(function () {}); });
  form.addEventListener('submit', function (event) {
    if (pageList) { event.preventDefault(); run(pageList); }
  });
  input.addEventListener('keydown', function (event) {
    if (event.key === 'Escape') { dropdown.hidden = true; input.blur(); }
  });
  document.addEventListener('click', function (event) {
    if (!form.contains(event.target)) { dropdown.hidden = true; }
  });

  /* `/` anywhere but in a text field focuses the search box. */
  document.addEventListener('keydown', function (event) {
    if (event.key !== '/' || event.ctrlKey || event.metaKey || event.altKey) { return; }
    var t = event.target;
    var tag = t && t.tagName;
    if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || (t && t.isContentEditable)) { return; }
    event.preventDefault();
    input.focus();
  });

  /* The search page shows the results of its `?q=`. */
  if (pageList) {
    var needsJs = document.getElementById('search-needs-js');
    if (needsJs) { needsJs.hidden = true; }
    var query = new URLSearchParams(window.location.search).get('q') || '';
    input.value = query;
    if (query) { run(pageList); }
  }
}());
