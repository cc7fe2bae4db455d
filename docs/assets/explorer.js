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
    var notice = document.getElementById("pl-ignored");
    var empty = document.getElementById("pl-empty");
    var tableWrap = document.getElementById("pl-table").parentNode;
    var listLabels = data.list_labels || null;
    var tagTitles = data.tags;
    var state = { sort: "category", dir: "asc", shown: PAGE_SIZE };

    data.rows.forEach(function (row, index) {
      row.order = index;
      row.haystack = fold([row.title, row.authors, row.arxiv || "", row.id,
        row.tags.map(function (t) { return tagTitles[t] || t; }).join(" ")].join(" "));
      row.sortKeys = { title: fold(row.title), authors: fold(row.authors) || "\uffff", added: row.added || "\uffff" };
    });

    // A shared link may be older than the site, or hand-edited: a value no field here offers
    // ("?tag=gone", a list on a single-list site) is left off and named, and the address
    // rewritten, so that what the page shows, its fields and its address agree.
    function readUrl() {
      var params = new URLSearchParams(window.location.search);
      var ignored = [];
      FILTERS.forEach(function (name) {
        var field = form.elements[name];
        var value = params.get(name);
        // Set from the address alone, not from what the browser kept of the last visit.
        if (field && field.type === "checkbox") field.checked = false; else if (field) field.value = "";
        if (value === null || value === "") return;
        if (!field) {
          ignored.push([name, value]);
        } else if (field.type === "checkbox") {
          if (value === field.value) field.checked = true; else ignored.push([fieldLabel(field), value]);
        } else if (field.tagName === "SELECT" && !offers(field, value)) {
          ignored.push([fieldLabel(field), value]);
        } else {
          field.value = value;
        }
      });
      var sort = params.get("sort");
      var sortKey = sort ? sort.replace(/^-/, "") : "";
      if (sortKey && root.querySelector("th button[data-sort='" + CSS.escape(sortKey) + "']")) {
        state.sort = sortKey;
        state.dir = sort.charAt(0) === "-" ? "desc" : "asc";
      }
      showIgnored(ignored);
      if (ignored.length || (sort && state.sort !== sortKey)) writeUrl();
    }

    function offers(select, value) {
      return Array.prototype.some.call(select.options, function (option) { return option.value === value; });
    }

    function fieldLabel(field) {
      var label = root.querySelector("label[for='" + field.id + "']");
      return label ? label.textContent.trim() : field.name;
    }

    function showIgnored(ignored) {
      if (!ignored.length) { notice.hidden = true; return; }
      var named = ignored.map(function (item) {
        var value = item[1].length > 60 ? item[1].slice(0, 60) + "…" : item[1];
        return item[0] + " \u201c" + value + "\u201d";
      });
      var several = named.length > 1;
      notice.textContent = "This link's " + named.join(" and ") + (several ? " are" : " is")
        + " not on this site, so " + (several ? "those filters are" : "that filter is") + " off.";
      notice.hidden = false;
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

    function inSection(category, section) {
      return category === section || category.split("/")[0] === section;
    }

    // In a collection a row has a place in each of its lists. Filtered to a list or a
    // section it is shown, and sorted, by its place there; otherwise by its first place in
    // list order, the one its row order follows (``categories`` are in list order).
    function place() {
      return { list: form.elements.list ? form.elements.list.value : "", section: form.elements.section.value };
    }

    function placeIndex(row, where) {
      if (!row.categories) return -1;
      for (var i = 0; i < row.categories.length; i++) {
        var category = row.categories[i];
        if (where.section ? inSection(category, where.section)
          : !where.list || category.indexOf(where.list + ":") === 0) return i;
      }
      return 0;
    }

    function sectionText(row, where) {
      var at = placeIndex(row, where);
      if (at < 0) return data.subsections[row.category];
      var shown = where.list || where.section ? [row.categories[at]] : row.categories;
      return shown.map(function (category) {
        var text = data.subsections[category];
        // Lists number their sections alike: under "All lists" the list is named.
        if (!where.list && listLabels) text = listLabels[category.slice(0, category.indexOf(":"))] + ": " + text;
        return text;
      }).join("; ");
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
          return inSection(category, section);
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
    function sortedRows(where) {
      var key = state.sort;
      var byPlace = key === "category" && data.papers.ranks;
      var cacheKey = key + " " + state.dir + (byPlace ? " " + where.list + " " + where.section : "");
      if (!sortedBy[cacheKey]) {
        var rank = data.rows.map(function (row) { return byPlace ? row.ranks[placeIndex(row, where)] : row.order; });
        sortedBy[cacheKey] = data.rows.slice().sort(function (a, b) {
          var result = key === "category" ? rank[a.order] - rank[b.order]
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

    function rowElement(row, where) {
      var tr = document.createElement("tr");
      var link = document.createElement("a");
      link.href = paperHref(row.id);
      link.textContent = row.title;
      var title = cell(tr, link);
      if (row.award) addBadge(title, "award", row.award);
      if (row.presentation) addBadge(title, row.presentation, "");
      cell(tr, row.authors || "—");
      cell(tr, sectionText(row, where));
      cell(tr, row.tags.map(function (t) { return tagTitles[t] || t; }).join(", "));
      cell(tr, row.added || "");
      return tr;
    }

    var shownKey = null;

    function render() {
      var where = place();
      var rows = sortedRows(where).filter(matcher());
      var visible = rows.slice(0, state.shown);
      // Early keystrokes often leave the visible rows as they were: then the table is kept.
      var visibleKey = where.list + " " + where.section + " " + visible.map(function (row) { return row.order; }).join(",");
      if (visibleKey !== shownKey) {
        var fragment = document.createDocumentFragment();
        visible.forEach(function (row) { fragment.appendChild(rowElement(row, where)); });
        tbody.replaceChildren(fragment);
        shownKey = visibleKey;
      }
      count.textContent = rows.length === data.rows.length
        ? rows.length + " papers"
        : rows.length + " of " + data.rows.length + " papers";
      more.hidden = rows.length <= state.shown;
      empty.hidden = rows.length > 0;
      tableWrap.hidden = rows.length === 0;
      headers.forEach(function (th) {
        var key = th.querySelector("button").dataset.sort;
        th.setAttribute("aria-sort", key === state.sort ? (state.dir === "asc" ? "ascending" : "descending") : "none");
      });
    }

    function update() {
      state.shown = PAGE_SIZE;
      notice.hidden = true;
      writeUrl();
      render();
    }

    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("input", update);
    form.addEventListener("change", update);
    form.addEventListener("reset", function () { window.setTimeout(update, 0); });
    document.getElementById("pl-clear").addEventListener("click", function () {
      form.reset();
      form.elements.text.focus();
    });
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
