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
 * On the hosted site the index holds the site's own pages alone: the page loads this script as
 * search-worker.js?papers=<address> (generator/theme_mkdocs/base.html; the address is relative
 * to the script), and the worker fetches the papers' documents (a JSON list of documents) as
 * soon as it starts, off the page's main thread and while the page fetches the index. It
 * answers SETUP once both are in, the papers' documents after the index's own; if they cannot
 * be read, it warns and searches the other pages alone. The offline export names no papers
 * file (file:// cannot fetch): its index holds them.
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
  // A pasted paragraph is not a query: terms past this many are ignored (each costs a scan of
  // every document; 20 keeps a pasted abstract near 0.1 s at 20,000 documents).
  var MAX_TERMS = 20;
  // Pages in a result shown with their text, best first; the rest carry their titles alone.
  // Material asks for a result at every keystroke and draws ten pages (more as the list is
  // scrolled); all 5,000 papers' texts for a first letter were 5 MB that the page took a third
  // of a second to receive, while the query was still being typed. Every match is still counted.
  var DETAILED_GROUPS = 100;
  var FIELDS = ["title", "tags", "text"];
  // What is not text to the browser's HTML parser, each up to where the browser ends it or further,
  // never sooner, and to the end of the string if unclosed: comments; elements whose content is
  // not markup (script, style, textarea...) with that content; CDATA; tags and declarations, whose
  // quoted attribute values may hold ">". Matches are marked only outside these.
  var TAG = new RegExp([
    "<!--[\\s\\S]*?(?:--!?>|$)",
    "<(script|style|textarea|title|xmp|iframe|noembed|noframes|noscript)(?=[\\s/>]|$)" +
      "(?:[^>\"']|\"[^\"]*(?:\"|$)|'[^']*(?:'|$))*(?:>|$)[\\s\\S]*?(?:</\\1(?=[\\s/>]|$)[^>]*(?:>|$)|$)",
    "<plaintext[\\s\\S]*",
    "<!\\[CDATA\\[[\\s\\S]*?(?:\\]\\]>|$)",
    "<[a-zA-Z/!?](?:[^>\"']|\"[^\"]*(?:\"|$)|'[^']*(?:'|$))*(?:>|$)",
  ].join("|"), "gi");
  // A character reference, with or without its semicolon (the browser reads "&amp" as "&" too):
  // one unit, never split by a mark.
  var ENTITY = /&(?:#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[a-zA-Z][a-zA-Z0-9]*;?)/g;
  // The same, only where the scan stands.
  var ENTITY_HERE = new RegExp(ENTITY.source, "y");
  var NAMED = { amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'", nbsp: "\u00a0" };
  var NON_ASCII = /[^\x00-\x7f]/;
  // Each character past ASCII, a surrogate pair as one (without the u flag: three times faster).
  var EACH_NON_ASCII = /[\ud800-\udbff][\udc00-\udfff]|[^\x00-\x7f]/g;
  var MARKS = /\p{M}/gu;
  // Letters that Unicode does not decompose into a base letter and a mark, read as their base
  // letters, as a reader types them ("lukasiewicz" finds "Łukasiewicz"); ligatures from PDFs too.
  var BASE_LETTERS = {
    "ł": "l", "ø": "o", "đ": "d", "ð": "d", "ı": "i", "ħ": "h", "ŧ": "t", "ŀ": "l",
    "ß": "ss", "æ": "ae", "œ": "oe", "þ": "th", "ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl",
  };
  var NOT_DECOMPOSED = /[łøđðıħŧŀßæœþﬀ-ﬄ]/g;
  // A term of a query must hold a letter or a digit: "&" or "·" alone would match anywhere.
  var WORDLIKE = /[\p{L}\p{N}]/u;
  // lunr's English stop words: Material does not report them as missing from a result.
  var STOP_WORDS = new Set((
    "a able about across after all almost also am among an and any are as at be because been but by can " +
    "cannot could dear did do does either else ever every for from get got had has have he her hers him his " +
    "how however i if in into is it its just least let like likely may me might most must my neither no nor " +
    "not of off often on only or other our own rather said say says she should since so some than that the " +
    "their them then there these they this tis to too twas us wants was we were what when where which while " +
    "who whom why will with would yet you your").split(" "));

  var entries = [];
  // The index's separator (config.separator): global to split and to find where words end,
  // sticky to test one place.
  var separator = /[\s\-]+/g;
  var separatorHere = /[\s\-]+/y;
  // For each ASCII character, 1 if no word can start right after it (see learnSeparator).
  var noBreakAfter = new Uint8Array(128);
  var suggestions = false;
  var folds = new Map();
  // Whether every character that fold() folded kept its length (see foldTracked).
  var aligned = true;

  /* ---- Text ---- */

  function decodeEntity(entity) {
    var body = entity.slice(1).replace(/;$/, "");
    if (body.charAt(0) === "#") {
      var code = body.charAt(1) === "x" || body.charAt(1) === "X" ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff) ? String.fromCodePoint(code) : "\ufffd";
    }
    return Object.prototype.hasOwnProperty.call(NAMED, body) ? NAMED[body] : entity;
  }

  // One character in lower case without accents (and a final sigma as any other). Compatibility
  // forms fold too ("ﬁ" to "fi") unless that changes the length and the canonical form does not
  // ("…" stays): a text whose characters keep their places is marked without a map (see foldRun).
  function foldCharacter(character) {
    var folded = folds.get(character);
    if (folded === undefined) {
      folded = foldAs(character, "NFKD");
      if (folded.length !== character.length) {
        var canonical = foldAs(character, "NFD");
        if (canonical.length === character.length) folded = canonical;
      }
      folds.set(character, folded);
    }
    return folded;
  }

  function foldAs(character, form) {
    return character.normalize(form).replace(MARKS, "").toLowerCase().replace(/\u03c2/g, "\u03c3")
      .replace(NOT_DECOMPOSED, function (letter) { return BASE_LETTERS[letter]; });
  }

  function foldTracked(character) {
    var folded = foldCharacter(character);
    aligned = aligned && folded.length === character.length;
    return folded;
  }

  // Text as queries see it: each character folded alone, so a whole field and the highlighter's
  // character-by-character reading of it agree. Sets `aligned`.
  function fold(text) {
    aligned = true;
    return (NON_ASCII.test(text) ? text.replace(EACH_NON_ASCII, foldTracked) : text).toLowerCase();
  }

  // A field as the scan reads it (tags are word breaks, entities their characters, all folded),
  // and whether it is plain: no tags, no entities, and each character folded in its place, so
  // the highlighter can mark the field from this text without reading it again.
  function readField(html) {
    if (!html) return { text: "", plain: true };
    var text = html.indexOf("<") < 0 ? html : html.replace(TAG, " ");
    if (text.indexOf("&") >= 0) text = text.replace(ENTITY, decodeEntity);
    text = fold(text);
    return { text: text, plain: aligned && html.indexOf("<") < 0 && html.indexOf("&") < 0 };
  }

  // Which ASCII characters no word can start after: those at which, and right after which, the
  // separator matches nothing, whatever the next character. Most characters before a match
  // (letters, digits) are such, and the table spares startsWord two regular expressions.
  function learnSeparator() {
    for (var code = 0; code < 128; code++) {
      var never = true;
      for (var next = 0; next <= 128 && never; next++) {
        var text = String.fromCharCode(code) + (next < 128 ? String.fromCharCode(next) : "\u00e9");
        separatorHere.lastIndex = 0;
        never = separatorHere.exec(text) === null;
        separatorHere.lastIndex = 1;
        var gap = separatorHere.exec(text);
        never = never && (gap === null || gap[0].length > 0);
      }
      noBreakAfter[code] = never ? 1 : 0;
    }
  }

  // Whether a word starts at text[at]: at the start, or where a separator ends (Material's split).
  function startsWord(text, at) {
    if (at === 0) return true;
    var before = text.charCodeAt(at - 1);
    if (before < 128 && noBreakAfter[before] === 1) return false;
    separatorHere.lastIndex = at - 1;
    var gap = separatorHere.exec(text);
    if (gap !== null && gap[0].length > 0) return true;
    // A separator that matches nothing splits where it matches.
    separatorHere.lastIndex = at;
    gap = separatorHere.exec(text);
    return gap !== null && gap[0].length === 0;
  }

  // Where the word that starts at text[at] ends.
  function wordEnd(text, at) {
    separator.lastIndex = at + 1;
    var gap = separator.exec(text);
    return gap === null ? text.length : gap.index;
  }

  /* ---- The papers' documents, fetched at start ---- */

  // Where the papers' documents are (?papers= on the worker's own address, relative to it), or null.
  // Only a real worker reads it: the iframe the offline export's shim runs this script in has the
  // page's location, whose query string any link sets. And only an address inside this site (the
  // folder above assets/, where the worker is), not merely on its origin, which a host shares
  // among the sites of one owner: the documents' titles and texts are inserted as HTML.
  function papersAddress() {
    if (typeof WorkerGlobalScope === "undefined" || !(self instanceof WorkerGlobalScope)) return null;
    var given = new URLSearchParams(self.location.search).get("papers");
    if (!given) return null;
    var address = null;
    try {
      address = new URL(given, self.location.href);
    } catch (error) {
      // Not an address: reported below as not on the site.
    }
    var site = new URL("../", self.location.href).href;
    if (address === null || address.origin !== self.location.origin || address.href.indexOf(site) !== 0) {
      console.warn("search: the papers' documents are not on this site, and are not searched:", given);
      return null;
    }
    return address.href;
  }

  function isDocument(doc) {
    return doc !== null && typeof doc === "object" && typeof doc.location === "string";
  }

  // A fetch of the papers that has not ended by then is given up: the other pages are searched.
  var PAPERS_TIMEOUT_MS = 30000;

  // The papers' documents: a promise of their list, empty if they cannot be read in time (the
  // other pages are still searched).
  function fetchPapers(address) {
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var timer = controller && setTimeout(function () { controller.abort(); }, PAPERS_TIMEOUT_MS);
    return fetch(address, { credentials: "same-origin", signal: controller ? controller.signal : undefined })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status + " " + response.statusText);
        return response.json();
      })
      .then(function (docs) {
        if (!Array.isArray(docs) || !docs.every(isDocument)) throw new TypeError("not a list of search documents");
        clearTimeout(timer);
        return docs;
      })
      .catch(function (error) {
        clearTimeout(timer);
        console.warn("search: the papers' documents could not be read from " + address +
          "; the other pages are searched alone:", String(error));
        return [];
      });
  }

  // Started at once, while the page is still fetching and parsing the index that SETUP brings;
  // null when the page named no papers' documents.
  var papers = (function () {
    var address = papersAddress();
    return address === null ? null : fetchPapers(address);
  })();

  /* ---- Set-up: one pass over the documents, no index ---- */

  // The one pass over the documents: each field read as the scan reads it (see readField).
  function prepare(config, docs) {
    separator = new RegExp(config.separator, "g");
    separatorHere = new RegExp(config.separator, "y");
    learnSeparator();
    var pages = new Map();
    return docs.map(function (doc, order) {
      var path = doc.location.split("#")[0];
      // As Material's document map: a page's first document is the page, the rest its sections.
      var page = pages.get(path);
      if (page === undefined) pages.set(path, (page = order));
      var tags = Array.isArray(doc.tags) ? doc.tags : [];
      var title = readField(doc.title);
      var text = readField(doc.text);
      return {
        doc: doc,
        page: page,
        title: title.text,
        text: text.text,
        tags: readField(tags.join(" ")).text,
        // The fields the highlighter may mark from the scan's text.
        plain: { title: title.plain, text: text.plain, tags: false },
      };
    });
  }

  // A promise, kept once the documents are set up: the index's own, then the papers' (ties keep
  // this order, as when the index held them all).
  function setup(data) {
    suggestions = !!(data.options && data.options.suggest);
    return Promise.resolve(papers).then(function (more) {
      entries = prepare(data.config, more && more.length ? data.docs.concat(more) : data.docs);
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
        // Every term matches the start of words already: "mem*" is "mem"; "*ory" is looked up as "ory".
        word = word.replace(/^\*+|\*+$/g, "");
        var key = word.toLowerCase();
        var folded = fold(word);
        var id = presence + ":" + fields.join(",") + ":" + folded;
        if (!WORDLIKE.test(folded) || seen.has(id) || terms.length >= MAX_TERMS) return;
        seen.add(id);
        terms.push({ key: key, folded: folded, presence: presence, fields: fields });
      });
    });
    // As lunr's pipeline does, optional stop words do not count beside other words: in "offloading
    // for the training", "for" and "the" would otherwise outrank the one paper on offloading.
    var meaningful = terms.some(function (term) { return term.presence !== "prohibited" && !STOP_WORDS.has(term.folded); });
    return meaningful
      ? terms.filter(function (term) { return term.presence !== "optional" || !STOP_WORDS.has(term.folded); })
      : terms;
  }

  // How well a term matches a field: 0, or from 1/2 (the start of a long word) to 1 (a whole word).
  // Every place is looked at until a word starts with the term; then a bounded number of words
  // more, for a whole word (a one-letter term starts words everywhere).
  function termScore(text, term) {
    var first = -1;
    for (var at = text.indexOf(term), words = 0; at >= 0 && words < 64; at = text.indexOf(term, at + 1)) {
      if (!startsWord(text, at)) continue;
      var end = wordEnd(text, at);
      if (end === at + term.length) return 1;
      if (first < 0) first = (0.5 * term.length) / (end - at);
      words++;
    }
    return first < 0 ? 0 : 0.5 + first;
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

  // One run of text between tags, folded, with for each folded character the [start, end) in the
  // run of the character or entity it came from (null: the same place, the run folded in place).
  function foldRun(run) {
    if (run.indexOf("&") < 0) {
      var text = fold(run);
      if (aligned) return { text: text, starts: null, ends: null };
    }
    var pieces = [], starts = [], ends = [];
    for (var at = 0; at < run.length; ) {
      var unit = null;
      if (run.charAt(at) === "&") {
        ENTITY_HERE.lastIndex = at;
        var entity = ENTITY_HERE.exec(run);
        if (entity) unit = entity[0];
      }
      var decoded = unit === null ? String.fromCodePoint(run.codePointAt(at)) : decodeEntity(unit);
      if (unit === null) unit = decoded;
      var piece = fold(decoded);
      for (var k = 0; k < piece.length; k++) {
        starts.push(at);
        ends.push(at + unit.length);
      }
      pieces.push(piece);
      at += unit.length;
    }
    return { text: pieces.join(""), starts: starts, ends: ends };
  }

  // The run's characters behind folded[start:end]: the first and past the last, whole.
  function runSpan(folded, start, end) {
    return folded.starts === null ? [start, end] : [folded.starts[start], folded.ends[end - 1]];
  }

  // The run with the start of each word that starts with a term wrapped in <mark> (the longest
  // term's, where several start one word); found[i], if unset, gets the first word that term i
  // started ({word, start}: the whole word and its marked start, as the document spells them).
  function markRun(run, folded, terms, found) {
    var text = folded.text;
    var spans = [];
    for (var i = 0; i < terms.length; i++) {
      var term = terms[i];
      for (var at = text.indexOf(term); at >= 0; at = text.indexOf(term, at + 1)) {
        if (!startsWord(text, at)) continue;
        var span = runSpan(folded, at, at + term.length);
        spans.push(span);
        if (found[i] === undefined) {
          var word = runSpan(folded, at, wordEnd(text, at));
          found[i] = { word: spelled(run, word), start: spelled(run, span) };
        }
      }
    }
    if (!spans.length) return run;
    spans.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
    var out = "", last = 0;
    spans.forEach(function (span) {
      if (span[0] < last) return;
      out += run.slice(last, span[0]) + "<mark>" + run.slice(span[0], span[1]) + "</mark>";
      last = span[1];
    });
    return out + run.slice(last);
  }

  function spelled(run, span) {
    return run.slice(span[0], span[1]).replace(ENTITY, decodeEntity).toLowerCase();
  }

  // The HTML with its matches marked, in the text between its tags only; `plain`, if given, is
  // the scan's text of a plain field (see readField), which is the HTML folded in place.
  function highlight(html, terms, found, plain) {
    if (!html || !terms.length) return html;
    if (plain) return markRun(html, { text: plain, starts: null, ends: null }, terms, found);
    var out = "", last = 0, tag;
    TAG.lastIndex = 0;
    while ((tag = TAG.exec(html))) {
      if (tag.index > last) out += markText(html.slice(last, tag.index), terms, found);
      out += tag[0];
      last = tag.index + tag[0].length;
    }
    return out + (last < html.length ? markText(html.slice(last), terms, found) : "");
  }

  function markText(run, terms, found) {
    return markRun(run, foldRun(run), terms, found);
  }

  /* ---- Results ---- */

  // A document's own fields, in a new object to change.
  function copyOf(doc) {
    var copy = {};
    for (var key in doc) if (Object.prototype.hasOwnProperty.call(doc, key)) copy[key] = doc[key];
    return copy;
  }

  // A hit as Material's result list draws it. Past the first pages (not `detailed`), its title and
  // tags as they are and no text: Material draws those only if the list is scrolled that far, and
  // a first letter matches thousands, which must cost little.
  function item(hit, terms, detailed) {
    var result = copyOf(hit.entry.doc);
    result.score = hit.score;
    if (!detailed) {
      result.text = "";
      result.terms = foundTerms(hit, terms, []);
      return result;
    }
    var doc = hit.entry.doc;
    var entry = hit.entry;
    var marks = { title: [], tags: [], text: [] };
    var owners = { title: [], tags: [], text: [] };
    terms.forEach(function (term, index) {
      // A term is marked wherever it starts a word, in every field it may be looked for in.
      if (term.presence === "prohibited" || hit.fields[index] === null) return;
      term.fields.forEach(function (name) {
        marks[name].push(term.folded);
        owners[name].push(index);
      });
    });
    // By term: the start of a word it matched, as the document spells it.
    var starts = [];
    function marked(name, html, plain) {
      var found = [];
      var out = highlight(html, marks[name], found, plain);
      found.forEach(function (match, j) {
        if (match && starts[owners[name][j]] === undefined) starts[owners[name][j]] = match.start;
      });
      return out;
    }
    result.title = marked("title", doc.title, entry.plain.title && entry.title);
    result.text = marked("text", doc.text, entry.plain.text && entry.text);
    if (Array.isArray(doc.tags)) result.tags = doc.tags.map(function (tag) { return marked("tags", tag); });
    result.terms = foundTerms(hit, terms, starts);
    return result;
  }

  // Material's page highlights these words when the result is opened (?h=), as they are written:
  // a term typed without its accents is given as the document spells it (``starts``, by term,
  // where highlighting found it), and as typed otherwise.
  function foundTerms(hit, terms, starts) {
    var found = {};
    terms.forEach(function (term, index) {
      if (term.presence === "prohibited") return;
      var matched = hit.fields[index] !== null;
      var word = matched && starts[index] !== undefined ? starts[index] : term.key;
      found[word] = found[word] || matched;
    });
    // Material does not report stop words as missing.
    Object.keys(found).forEach(function (word) {
      if (!found[word] && STOP_WORDS.has(word)) delete found[word];
    });
    return found;
  }

  // Material's suggestion: the words the best title match completes the terms with, the last
  // term's last (the search box offers to complete what is being typed with it).
  function suggest(hits, terms) {
    var wanted = terms.filter(function (term) { return term.presence !== "prohibited"; });
    if (!wanted.length) return [];
    var folded = wanted.map(function (term) { return term.folded; });
    for (var i = 0; i < hits.length; i++) {
      var title = hits[i].entry.title;
      if (!folded.every(function (term) { return termScore(title, term) > 0; })) continue;
      var found = [];
      highlight(hits[i].entry.doc.title, folded, found);
      // Material offers a word only if it starts with what was typed: "angs" is completed as
      // "angstrom", which finds "Ångström" too.
      return found.map(function (match, j) {
        return match === undefined ? undefined : match.word.indexOf(wanted[j].key) === 0 ? match.word : fold(match.word);
      }).filter(function (word) { return typeof word === "string"; });
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
      // A page's place in the result is that of its best hit; its other hits follow in its group.
      if (!groups.has(page)) groups.set(page, { detailed: groups.size < DETAILED_GROUPS, items: [] });
      var group = groups.get(page);
      group.items.push(item(hit, terms, group.detailed));
    });
    // Every group holds its page, as Material's does; a page that did not match comes last.
    var items = [];
    groups.forEach(function (group, page) {
      var doc = entries[page].doc;
      if (!group.items.some(function (one) { return one.location === doc.location; })) {
        var copy = copyOf(doc);
        if (!group.detailed) copy.text = "";
        copy.score = 0;
        copy.terms = {};
        group.items.push(copy);
      }
      items.push(group.items);
    });
    var result = { items: items };
    if (suggestions) result.suggest = suggest(hits, terms);
    return result;
  }

  function answer(query) {
    try {
      return { type: RESULT, data: search(String(query)) };
    } catch (error) {
      console.warn("search: query failed:", query, error);
      return { type: RESULT, data: { items: [] } };
    }
  }

  // Set by SETUP: kept once the documents are set up and READY is posted.
  var ready = null;
  // Material asks at every keystroke: queries that arrive while one is being answered are
  // answered once, for the last of them (the page shows whichever result comes last).
  var pending = null;

  function answerPending() {
    var message = pending;
    pending = null;
    postMessage(answer(message.data));
  }

  addEventListener("message", function (event) {
    var message = event.data;
    if (message && message.type === QUERY) {
      // Material sends no query before READY; one sent after SETUP is answered once the documents
      // are in, one sent before SETUP at once, with what there is (nothing).
      if (pending === null) {
        if (ready === null) setTimeout(answerPending, 0);
        else ready.then(function () { setTimeout(answerPending, 0); });
      }
      pending = message;
      return;
    }
    if (message && message.type === SETUP) {
      ready = setup(message.data).then(
        function () { postMessage({ type: READY }); },
        // As an error of the message's own handler: the worker's error event, no READY.
        function (error) { setTimeout(function () { throw error; }, 0); }
      );
      return;
    }
    throw new TypeError("search: unknown message type " + (message && message.type));
  });
})();
