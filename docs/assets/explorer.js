/* The views drawn from embedded data: the "All papers" explorer (filters, sorting,
 * a shareable URL state) and the author index. Plain script, no dependencies; runs
 * on every page load, including Material's instant navigation (document$), and does
 * nothing on pages without either view. */
(function () {
  "use strict";

  // Rows drawn at a time ("Show more" adds as many): the browser's layout of them is most of a keystroke.
  var PAGE_SIZE = 50;
  // "q" would collide with Material, which opens its search box for a ?q= parameter.
  // "list" is a collection's only: a single list's page has no such field.
  var FILTERS = ["text", "list", "section", "tag", "type", "code"];

  function fold(text) {
    return (text || "").normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  // The generator writes one paper's link from the route table, and MkDocs rewrites it for
  // the build's URL style; every other paper's address is that one with its id in place.
  // The id is the last "/<id>" in the address: what follows it ("/", ".html", "/index.html")
  // cannot hold another, so any id, however short, is replaced once and in the right place.
  function paperLinks() {
    var template = document.getElementById("pl-link-template");
    var href = template.getAttribute("href");
    var id = template.dataset.id;
    var at = href.lastIndexOf("/" + id) + 1;
    if (at === 0 && href.indexOf(id) !== 0) throw new Error("paper link template does not hold its id: " + href);
    var prefix = href.slice(0, at);
    var suffix = href.slice(at + id.length);
    return function (paperId) { return prefix + paperId + suffix; };
  }

  function initExplorer() {
    var root = document.getElementById("pl-explorer");
    if (!root || root.dataset.ready) return;
    root.dataset.ready = "1";

    var data = JSON.parse(document.getElementById("pl-explorer-data").textContent);
    // The papers arrive as one list per field (smaller when gzipped); rows are rebuilt here.
    var columns = data.papers;
    data.rows = columns.id.map(function (id, index) {
      var row = {};
      Object.keys(columns).forEach(function (name) {
        if (columns[name][index] !== null) row[name] = columns[name][index];
      });
      return row;
    });
    var paperHref = paperLinks();
    var form = root.querySelector("form");
    var tbody = document.getElementById("pl-rows");
    var count = document.getElementById("pl-count");
    var more = document.getElementById("pl-more");
    var headers = root.querySelectorAll("th[aria-sort]");
    var badges = document.getElementById("pl-badges");
    var tagTitles = data.tags;
    var state = { sort: "category", dir: "asc", shown: PAGE_SIZE };

    data.rows.forEach(function (row, index) {
      row.order = index;
      row.haystack = fold([row.title, row.authors, row.arxiv || "", row.id,
        row.tags.map(function (t) { return tagTitles[t] || t; }).join(" ")].join(" "));
      row.sortKeys = { title: fold(row.title), authors: fold(row.authors) || "\uffff", added: row.added || "\uffff" };
    });

    function readUrl() {
      var params = new URLSearchParams(window.location.search);
      FILTERS.forEach(function (name) {
        var field = form.elements[name];
        if (!field) return;
        if (field.type === "checkbox") field.checked = params.get(name) === "1";
        else field.value = params.get(name) || "";
      });
      var sort = params.get("sort");
      if (sort) {
        state.sort = sort.replace(/^-/, "");
        state.dir = sort.charAt(0) === "-" ? "desc" : "asc";
      }
    }

    function writeUrl() {
      var params = new URLSearchParams(window.location.search);
      FILTERS.forEach(function (name) {
        var field = form.elements[name];
        if (!field) return;
        var value = field.type === "checkbox" ? (field.checked ? "1" : "") : field.value.trim();
        if (value) params.set(name, value); else params.delete(name);
      });
      if (state.sort !== "category" || state.dir !== "asc") {
        params.set("sort", (state.dir === "desc" ? "-" : "") + state.sort);
      } else {
        params.delete("sort");
      }
      var query = params.toString();
      var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
      try { window.history.replaceState(window.history.state, "", url); } catch (error) { /* file:// in some browsers */ }
    }

    // The filters are read once per update, not once per row.
    function matcher() {
      var words = fold(form.elements.text.value).split(/\s+/).filter(Boolean);
      var list = form.elements.list ? form.elements.list.value : "";
      var section = form.elements.section.value;
      var tag = form.elements.tag.value;
      var type = form.elements.type.value;
      var codeOnly = form.elements.code.checked;
      return function (row) {
        for (var i = 0; i < words.length; i++) if (row.haystack.indexOf(words[i]) < 0) return false;
        if (list && (row.lists || []).indexOf(list) < 0) return false;
        if (section && !(row.categories || [row.category]).some(function (category) {
          return category === section || category.split("/")[0] === section;
        })) return false;
        if (tag && row.tags.indexOf(tag) < 0) return false;
        if (type === "award" && !row.award) return false;
        if (type && type !== "award" && (row.presentation || "") !== type) return false;
        if (codeOnly && !row.code) return false;
        return true;
      };
    }

    // Sorting thousands of rows on every keystroke would be the slowest step: the order is
    // computed once per sort key and direction, and each filter keeps it.
    var collator = new Intl.Collator(undefined, { sensitivity: "base" });
    var sortedBy = {};
    function sortedRows() {
      var cacheKey = state.sort + " " + state.dir;
      if (!sortedBy[cacheKey]) {
        var key = state.sort;
        sortedBy[cacheKey] = data.rows.slice().sort(function (a, b) {
          var result = key === "category" ? a.order - b.order
            : collator.compare(a.sortKeys[key], b.sortKeys[key]) || a.order - b.order;
          return state.dir === "desc" ? -result : result;
        });
      }
      return sortedBy[cacheKey];
    }

    // The page carries one badge of each kind, its icon already inline SVG (only the site's
    // Markdown build makes those); a row gets a copy, with the award's name added.
    function addBadge(parent, kind, text) {
      var template = badges.querySelector("[data-badge='" + kind + "']");
      if (!template) return;
      var badge = template.cloneNode(true);
      badge.removeAttribute("data-badge");
      if (text) badge.appendChild(document.createTextNode(text));
      parent.appendChild(document.createTextNode(" "));
      parent.appendChild(badge);
    }

    function cell(tr, content) {
      var td = document.createElement("td");
      if (content instanceof Node) td.appendChild(content); else td.textContent = content;
      tr.appendChild(td);
      return td;
    }

    function rowElement(row) {
      var tr = document.createElement("tr");
      var link = document.createElement("a");
      link.href = paperHref(row.id);
      link.textContent = row.title;
      var title = cell(tr, link);
      if (row.award) addBadge(title, "award", row.award);
      if (row.presentation) addBadge(title, row.presentation, "");
      cell(tr, row.authors || "—");
      cell(tr, data.subsections[row.category]);
      cell(tr, row.tags.map(function (t) { return tagTitles[t] || t; }).join(", "));
      cell(tr, row.added || "");
      return tr;
    }

    var shownKey = null;

    function render() {
      var rows = sortedRows().filter(matcher());
      var visible = rows.slice(0, state.shown);
      // Early keystrokes often leave the visible rows as they were: then the table is kept.
      var visibleKey = visible.map(function (row) { return row.order; }).join(",");
      if (visibleKey !== shownKey) {
        var fragment = document.createDocumentFragment();
        visible.forEach(function (row) { fragment.appendChild(rowElement(row)); });
        tbody.replaceChildren(fragment);
        shownKey = visibleKey;
      }
      count.textContent = rows.length === data.rows.length
        ? rows.length + " papers"
        : rows.length + " of " + data.rows.length + " papers";
      more.hidden = rows.length <= state.shown;
      headers.forEach(function (th) {
        var key = th.querySelector("button").dataset.sort;
        th.setAttribute("aria-sort", key === state.sort ? (state.dir === "asc" ? "ascending" : "descending") : "none");
      });
    }

    function update() {
      state.shown = PAGE_SIZE;
      writeUrl();
      render();
    }

    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    form.addEventListener("reset", function () { window.setTimeout(update, 0); });
    headers.forEach(function (th) {
      th.querySelector("button").addEventListener("click", function () {
        var key = this.dataset.sort;
        state.dir = state.sort === key && state.dir === "asc" ? "desc" : "asc";
        state.sort = key;
        update();
      });
    });
    more.addEventListener("click", function () {
      state.shown += PAGE_SIZE;
      render();
    });

    readUrl();
    render();
  }

  var AUTHOR_MATCHES_SHOWN = 200;

  function initAuthors() {
    var root = document.getElementById("pl-authors");
    if (!root || root.dataset.ready) return;
    root.dataset.ready = "1";

    var data = JSON.parse(document.getElementById("pl-authors-data").textContent);
    var paperHref = paperLinks();
    var input = document.getElementById("pl-author-q");
    var list = document.getElementById("pl-author-list");
    var count = document.getElementById("pl-author-count");
    var buttons = root.querySelectorAll("[data-letter]");
    var letterOf = {};
    var everyone = [];
    data.letters.forEach(function (group) {
      group[1].forEach(function (author) {
        letterOf[author[1]] = group[0];
        everyone.push({
          name: author[0], anchor: author[1], papers: author[2], organisation: author[3] === 1, folded: fold(author[0])
        });
      });
    });

    function entry(author) {
      var item = document.createElement("li");
      item.id = author.anchor;
      var name = document.createElement("strong");
      name.textContent = author.name;
      item.appendChild(name);
      if (author.organisation) {
        // Filed under its first word, not a surname: say why it sits there.
        var kind = document.createElement("span");
        kind.className = "pl-authors__kind";
        kind.textContent = " (organisation)";
        item.appendChild(kind);
      }
      var papers = document.createElement("ul");
      author.papers.forEach(function (paperId) {
        var link = document.createElement("a");
        link.href = paperHref(paperId);
        link.textContent = data.titles[paperId];
        var line = document.createElement("li");
        line.appendChild(link);
        papers.appendChild(line);
      });
      item.appendChild(papers);
      return item;
    }

    function show(authors, summary, letter) {
      var fragment = document.createDocumentFragment();
      authors.forEach(function (author) { fragment.appendChild(entry(author)); });
      list.replaceChildren(fragment);
      count.textContent = summary;
      buttons.forEach(function (button) {
        button.setAttribute("aria-pressed", button.dataset.letter === letter ? "true" : "false");
      });
    }

    function showLetter(letter) {
      var authors = everyone.filter(function (author) { return letterOf[author.anchor] === letter; });
      show(authors, authors.length + (authors.length === 1 ? " author" : " authors") + " under " + letter, letter);
    }

    function showMatches(text) {
      var wanted = fold(text.trim());
      var matches = everyone.filter(function (author) { return author.folded.indexOf(wanted) >= 0; });
      var shown = matches.slice(0, AUTHOR_MATCHES_SHOWN);
      show(shown, matches.length + " matching " + (matches.length === 1 ? "author" : "authors")
        + (matches.length > shown.length ? ", the first " + shown.length + " shown" : ""), null);
    }

    function showRequested() {
      var anchor = new URLSearchParams(window.location.search).get("name") || "";
      var letter = letterOf[anchor] || (data.letters.length ? data.letters[0][0] : "");
      showLetter(letter);
      var target = anchor && document.getElementById(anchor);
      if (target) {
        target.classList.add("pl-authors__target");
        target.scrollIntoView({ block: "start" });
      }
    }

    input.addEventListener("input", function () {
      if (input.value.trim()) showMatches(input.value);
      else showRequested();
    });
    buttons.forEach(function (button) {
      button.addEventListener("click", function () {
        input.value = "";
        showLetter(button.dataset.letter);
      });
    });
    showRequested();
  }

  function init() {
    initExplorer();
    initAuthors();
  }

  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
