/* The site's search worker, in place of Material for MkDocs 9's (generator/theme_mkdocs/base.html
 * points the page at it). It speaks Material's worker protocol, so Material's search box, result
 * list, suggestions and page highlighting work unchanged; unlike Material's worker it builds no
 * index: lunr spent seconds indexing a conference's papers in the browser before the first result,
 * while scanning every document at each query takes milliseconds.
 *
 * Messages are {type, data}: SETUP (data: the whole search/search_index.json, plus options) is
 * answered by READY, QUERY (data: the query as typed) by RESULT (data: {items, suggest}), where
 * items holds one group per page (its documents, best first, the page's own document included)
 * and each item is a document with its score and terms (query term -> found in it).
 *
 * A query is split on white space and on the index's separator, like Material's; each term
 * matches the start of a word (typing "kal" finds "Kalomi"), ignoring case and accents. "+term"
 * must match, "-term" must not, "title:term" (or text:, tags:) looks in that field only, and
 * "quoted words" must all match. Documents with more of the terms come first, then those with
 * the terms in their title, then in their tags, then in their text; a whole word counts more
 * than the start of a longer one; ties keep the index's order.
 *
 * Titles, texts and tags are HTML (Material inserts them as such): matches are wrapped in <mark>
 * only inside the text between tags, around whole characters and entities, so no document's
 * markup changes and nothing but <mark> is added.
 *
 * Plain script, no dependencies. Under file:// (the offline export) Material runs it in an
 * iframe through the iframe-worker shim, which provides postMessage and message events alike. */
(function () {
  "use strict";

  // Material's message types (integrations/search/worker/message).
  var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
  // Each field's weight: any title match outranks any tag match, which outranks any text match
  // (a term's weight times at most 1, at least a half: see termScore).
  var WEIGHT = { title: 10, tags: 4, text: 1 };
  // Documents with more of the terms come first: each found term adds more than all weights can.
  var PER_TERM = 1000;
  // A pasted paragraph is not a query: terms past this many are ignored (keeps PER_TERM ahead).
  var MAX_TERMS = 40;
  var FIELDS = ["title", "tags", "text"];
  // Where Material's browser would start a tag, comment or declaration, up to its end (or the end
  // of the string: an unclosed tag is never text). Matches are only marked outside these.
  var TAG = /<[a-zA-Z!\/?][^>]*(?:>|$)/g;
  var ENTITY = /&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]*);/g;
  // The same, only where the scan stands.
  var ENTITY_HERE = new RegExp(ENTITY.source, "y");
  var NAMED = { amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'", nbsp: "\u00a0" };
  var NON_ASCII = /[^\x00-\x7f]/;
  var MARKS = /\p{M}/gu;
  // lunr's English stop words: Material does not report them as missing from a result.
  var STOP_WORDS = new Set((
    "a able about across after all almost also am among an and any are as at be because been but by can " +
    "cannot could dear did do does either else ever every for from get got had has have he her hers him his " +
    "how however i if in into is it its just least let like likely may me might most must my neither no nor " +
    "not of off often on only or other our own rather said say says she should since so some than that the " +
    "their them then there these they this tis to too twas us wants was we were what when where which while " +
    "who whom why will with would yet you your").split(" "));

  var entries = [];
  var separator = /[\s\-]+/g;
  var suggestions = false;

  /* ---- Text ---- */

  function decodeEntity(entity) {
    var body = entity.slice(1, -1);
    if (body.charAt(0) === "#") {
      var code = body.charAt(1) === "x" || body.charAt(1) === "X" ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : "\ufffd";
    }
    return Object.prototype.hasOwnProperty.call(NAMED, body) ? NAMED[body] : entity;
  }

  // Lower case without accents; final sigma as sigma, so a whole string and its characters one
  // by one fold alike (the highlighter folds character by character).
  function fold(text) {
    text = text.toLowerCase();
    return NON_ASCII.test(text) ? text.normalize("NFKD").replace(MARKS, "").replace(/\u03c2/g, "\u03c3") : text;
  }

  // A field as the scan reads it: folded words, each after one space (so " term" finds a word
  // starting with term), and a space at the end (so " term " finds the whole word).
  function haystack(html) {
    if (!html) return " ";
    var text = html.indexOf("<") < 0 ? html : html.replace(TAG, " ");
    if (text.indexOf("&") >= 0) text = text.replace(ENTITY, decodeEntity);
    return " " + fold(text).replace(separator, " ") + " ";
  }

  /* ---- Set-up: one pass over the documents, no index ---- */

  function setup(data) {
    separator = new RegExp(data.config.separator, "g");
    suggestions = !!(data.options && data.options.suggest);
    var pages = new Map();
    entries = data.docs.map(function (doc, order) {
      var path = doc.location.split("#")[0];
      // As Material's document map: a page's first document is the page, the rest its sections.
      var page = pages.get(path);
      if (page === undefined) pages.set(path, (page = order));
      var tags = Array.isArray(doc.tags) ? doc.tags : [];
      return {
        doc: doc,
        order: order,
        page: page,
        title: haystack(doc.title),
        text: haystack(doc.text),
        tags: tags.length ? haystack(tags.join(" ")) : " ",
      };
    });
  }

  /* ---- Queries ---- */

  // Material's query syntax, as far as a scan needs it: each term with its presence and fields.
  function parse(query) {
    var terms = [];
    var seen = new Set();
    // "quoted words" must all be present (Material turns them into +word +word).
    var parts = query.trim().split(/"([^"]+)"/).map(function (part, index) {
      return index % 2 ? part.trim().replace(/^|\s+/g, " +") : part;
    }).join(" ").replace(/"/g, "").split(/\s+/);
    parts.forEach(function (part) {
      var presence = "optional";
      if (part.charAt(0) === "+") presence = "required";
      else if (part.charAt(0) === "-") presence = "prohibited";
      part = part.replace(/^[+\-]+/, "").replace(/[~^][0-9]*$/, "");
      var fields = FIELDS;
      var field = /^(title|text|tags):/.exec(part);
      if (field) {
        fields = [field[1]];
        part = part.slice(field[0].length);
      }
      part.split(separator).forEach(function (word) {
        var key = word.toLowerCase();
        var folded = fold(word);
        var id = presence + ":" + fields.join(",") + ":" + folded;
        if (!folded || seen.has(id) || terms.length >= MAX_TERMS) return;
        seen.add(id);
        terms.push({ key: key, folded: folded, presence: presence, fields: fields });
      });
    });
    return terms;
  }

  // How well a term matches a field: 0, or from 1/2 (the start of a long word) to 1 (a whole word).
  function termScore(hay, term) {
    var at = hay.indexOf(" " + term);
    if (at < 0) return 0;
    if (hay.indexOf(" " + term + " ", at) >= 0) return 1;
    var end = hay.indexOf(" ", at + 1);
    return 0.5 + (0.5 * term.length) / (end - at - 1);
  }

  // The term's best field in this entry: [weighted score, field] or null.
  function bestField(entry, term) {
    var best = null;
    for (var i = 0; i < term.fields.length; i++) {
      var field = term.fields[i];
      var score = termScore(entry[field], term.folded);
      if (score > 0 && (best === null || score * WEIGHT[field] > best[0])) best = [score * WEIGHT[field], field];
    }
    return best;
  }

  // The entry's score, and each term's best field (null: not found), or null if it does not match
  // the query. Without required terms an entry needs one optional term; a query of -terms alone
  // matches every entry without them, as lunr's does.
  function match(entry, terms, needsOptional) {
    var score = 0, found = 0, optional = 0, fields = [];
    for (var i = 0; i < terms.length; i++) {
      var term = terms[i];
      var best = bestField(entry, term);
      if (term.presence === "prohibited") {
        if (best !== null) return null;
        continue;
      }
      if (best === null) {
        if (term.presence === "required") return null;
        fields.push(null);
        continue;
      }
      if (term.presence === "optional") optional++;
      found++;
      score += best[0];
      fields.push(best[1]);
    }
    if (needsOptional && optional === 0) return null;
    return { entry: entry, score: found * PER_TERM + score, fields: fields };
  }

  /* ---- Highlighting ---- */

  // The folded text of one run of text between tags, and for each folded character the
  // [start, end) in the run of the character or entity it came from.
  function foldRun(run) {
    if (run.indexOf("&") < 0 && !NON_ASCII.test(run)) return { folded: run.toLowerCase(), from: null };
    var folded = "", starts = [], ends = [];
    for (var at = 0; at < run.length; ) {
      var unit, decoded, entity = null;
      if (run.charAt(at) === "&") {
        ENTITY_HERE.lastIndex = at;
        entity = ENTITY_HERE.exec(run);
      }
      if (entity) {
        unit = entity[0];
        decoded = decodeEntity(unit);
      } else {
        unit = String.fromCodePoint(run.codePointAt(at));
        decoded = unit;
      }
      var piece = fold(decoded);
      for (var k = 0; k < piece.length; k++) {
        starts.push(at);
        ends.push(at + unit.length);
      }
      folded += piece;
      at += unit.length;
    }
    return { folded: folded, from: [starts, ends] };
  }

  // The run with each word that starts with a term wrapped in <mark> (the longest term's length);
  // found[i] gets the first whole word (lower case) that term i started.
  function markRun(run, terms, found) {
    var folded = foldRun(run);
    var text = folded.folded;
    var spans = [];
    separator.lastIndex = 0;
    for (var start = 0; start < text.length; ) {
      var gap = separator.exec(text);
      var end = gap ? gap.index : text.length;
      var longest = 0;
      for (var i = 0; i < terms.length; i++) {
        var term = terms[i];
        if (term.length > end - start || !text.startsWith(term, start)) continue;
        longest = Math.max(longest, term.length);
        if (found[i] === undefined) found[i] = toRun(folded, start, end, run).toLowerCase();
      }
      if (longest) spans.push([start, start + longest]);
      if (!gap) break;
      // A separator that matches nothing still ends a word (Material's split does the same).
      start = gap.index + gap[0].length;
      if (gap[0].length === 0) separator.lastIndex = gap.index + 1;
    }
    if (!spans.length) return run;
    var out = "", last = 0;
    spans.forEach(function (span) {
      var from = folded.from ? folded.from[0][span[0]] : span[0];
      var to = folded.from ? folded.from[1][span[1] - 1] : span[1];
      if (from < last) return;
      out += run.slice(last, from) + "<mark>" + run.slice(from, to) + "</mark>";
      last = to;
    });
    return out + run.slice(last);
  }

  // The decoded text of the run's characters behind folded[start:end].
  function toRun(folded, start, end, run) {
    var from = folded.from ? folded.from[0][start] : start;
    var to = folded.from ? folded.from[1][end - 1] : end;
    var piece = run.slice(from, to);
    return piece.indexOf("&") < 0 ? piece : piece.replace(ENTITY, decodeEntity);
  }

  // The HTML with its matches marked, in the text between its tags only.
  function highlight(html, terms, found) {
    if (!html || !terms.length) return html;
    var out = "", last = 0, tag;
    TAG.lastIndex = 0;
    while ((tag = TAG.exec(html))) {
      if (tag.index > last) out += markRun(html.slice(last, tag.index), terms, found);
      out += tag[0];
      last = tag.index + tag[0].length;
    }
    return out + (last < html.length ? markRun(html.slice(last), terms, found) : "");
  }

  /* ---- Results ---- */

  function item(hit, terms) {
    var doc = hit.entry.doc;
    var result = {};
    for (var key in doc) if (Object.prototype.hasOwnProperty.call(doc, key)) result[key] = doc[key];
    var found = {};
    var marks = { title: [], tags: [], text: [] };
    terms.forEach(function (term, index) {
      if (term.presence === "prohibited") return;
      var field = hit.fields[index];
      found[term.key] = found[term.key] || field !== null;
      // A term is marked wherever it starts a word, in every field it may be looked for in.
      if (field !== null) term.fields.forEach(function (name) { marks[name].push(term.folded); });
    });
    result.title = highlight(doc.title, marks.title, []);
    result.text = highlight(doc.text, marks.text, []);
    if (Array.isArray(doc.tags)) {
      result.tags = doc.tags.map(function (tag) { return highlight(tag, marks.tags, []); });
    }
    // Material does not report stop words as missing.
    Object.keys(found).forEach(function (key) {
      if (!found[key] && STOP_WORDS.has(key)) delete found[key];
    });
    result.score = hit.score;
    result.terms = found;
    return result;
  }

  // Material's suggestion: the words the best title match completes the terms with, the last
  // term's last (the search box offers to complete what is being typed with it).
  function suggest(hits, terms) {
    var wanted = terms.filter(function (term) { return term.presence !== "prohibited"; });
    if (!wanted.length) return [];
    var folded = wanted.map(function (term) { return term.folded; });
    for (var i = 0; i < hits.length; i++) {
      var title = hits[i].entry.title;
      if (!folded.every(function (term) { return title.indexOf(" " + term) >= 0; })) continue;
      var found = [];
      highlight(hits[i].entry.doc.title, folded, found);
      return found.filter(function (word) { return typeof word === "string"; });
    }
    return [];
  }

  function search(query) {
    var terms = parse(query);
    if (!terms.length) return { items: [] };
    var needsOptional = terms.every(function (term) { return term.presence !== "required"; }) &&
      terms.some(function (term) { return term.presence === "optional"; });
    var hits = [];
    for (var i = 0; i < entries.length; i++) {
      var hit = match(entries[i], terms, needsOptional);
      if (hit !== null) hits.push(hit);
    }
    // Stable: equal scores keep the index's order, so the same query gives the same list.
    hits.sort(function (a, b) { return b.score - a.score; });
    var groups = new Map();
    hits.forEach(function (hit) {
      var page = hit.entry.page;
      if (!groups.has(page)) groups.set(page, []);
      groups.get(page).push(item(hit, terms));
    });
    // Every group holds its page, as Material's does; a page that did not match comes last.
    groups.forEach(function (items, page) {
      var doc = entries[page].doc;
      if (!items.some(function (one) { return one.location === doc.location; })) {
        var copy = {};
        for (var key in doc) if (Object.prototype.hasOwnProperty.call(doc, key)) copy[key] = doc[key];
        copy.score = 0;
        copy.terms = {};
        items.push(copy);
      }
    });
    var result = { items: Array.from(groups.values()) };
    if (suggestions) result.suggest = suggest(hits, terms);
    return result;
  }

  function handle(message) {
    switch (message.type) {
      case SETUP:
        setup(message.data);
        return { type: READY };
      case QUERY:
        try {
          return { type: RESULT, data: search(String(message.data)) };
        } catch (error) {
          console.warn("search: query failed:", message.data, error);
          return { type: RESULT, data: { items: [] } };
        }
      default:
        throw new TypeError("search: unknown message type " + message.type);
    }
  }

  addEventListener("message", function (event) {
    postMessage(handle(event.data));
  });
})();
