"""The site's search worker (docs/assets/search-worker.js) in Debian's Chromium, hosted and offline.

Material's search box and result list talk to the site's own worker, which scans the
documents at each query instead of building a lunr index first. These tests type into the
real search box of a real build, whose records were edited to hold the cases, and also talk
to the worker directly, as Material's page does, to check its highlighting on every document
of the real index and on hostile ones.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
import yaml

from benchmarks.chromium import serve
from browser import MODES, Watched, page_url, site_prefix
from generator.build import Project, load_catalog
from generator.routes import SEARCH_DOCS, SEARCH_INDEX, paper, url
from helpers import REPO, copy_project, generator, mkdocs_build, search_index_of

pytestmark = [pytest.mark.browser, pytest.mark.slow]

WORKER = "assets/search-worker.js"
# A word no record holds: one paper has it in its title, an earlier one in its summary only.
WORD = "Zintaric"
# A title with an ampersand, a less-than sign, an attribute-like text and escaped markup as text
# (records may not hold raw HTML, nor "<" before a letter); "Quorble&Co" is one word (the separator
# does not split on "&").
HOSTILE_TITLE = f'Quorble&Co: {WORD} x<2 & onerror="document.title=1" &lt;b&gt;bold&lt;/b&gt;'
PLACEHOLDER = "Type to start searching"
# What the result list says above the results: the placeholder, or how many matched.
META = "document.querySelector('.md-search-result__meta').textContent.trim()"


def _ids() -> tuple[str, str, tuple[str, str]]:
    """The first paper in the index (its summary gets the word) and the last (its title does), and the id
    and title of one between them, left as it is."""
    catalog, _ = load_catalog(Project(REPO))
    middle = catalog.papers[len(catalog.papers) // 2]
    return catalog.papers[0].id, catalog.papers[-1].id, (middle.id, middle.title)


TEXT_HIT, TITLE_HIT, (UNTOUCHED, UNTOUCHED_TITLE) = _ids()


def _edit(root: Path, paper_id: str, **fields: str) -> None:
    path = root / "entries" / "papers" / f"{paper_id}.yaml"
    record = yaml.safe_load(path.read_text("utf-8"))
    record.update(fields)
    path.write_text(yaml.safe_dump(record, allow_unicode=True, sort_keys=False), "utf-8")


@pytest.fixture(scope="module")
def search_sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """The project with the two edited records, built hosted (served on 127.0.0.1) and exported offline."""
    root = copy_project(tmp_path_factory.mktemp("search") / "project")
    summary = yaml.safe_load((root / "entries" / "papers" / f"{TEXT_HIT}.yaml").read_text("utf-8"))["summary"]
    _edit(root, TEXT_HIT, summary=f"{WORD} as a plain word of the text. {summary}")
    _edit(root, TITLE_HIT, title=HOSTILE_TITLE)
    mkdocs_build(root)
    offline = root.parent / "export"
    generator(root, "export-offline", str(offline))
    with serve(root / "site") as hosted:
        yield {"hosted": hosted, "offline": offline.resolve().as_uri() + "/", "site": str(root / "site")}


@pytest.fixture(params=MODES)
def searching(request, context, search_sites) -> Iterator[tuple[Watched, str, list[str]]]:
    """The home page with the search box open and the worker ready, and the addresses of the workers it started.

    The test fails on any console error or request off the site.
    """
    mode = request.param
    page = context.new_page()
    watcher = Watched(page, site_prefix(search_sites[mode], mode))
    request.node.browser_page = page
    workers: list[str] = []
    page.on("worker", lambda worker: workers.append(worker.url))
    watcher.goto(page_url(search_sites, mode, ""))
    page.keyboard.press("/")
    page.locator("input.md-search__input").wait_for(state="visible")
    # Material asks the worker for the empty query once it is ready.
    page.wait_for_function(f"(text) => {META} === text", arg=PLACEHOLDER)
    yield watcher, mode, workers
    page.close()
    assert watcher.foreign == [], f"requests left the site: {watcher.foreign}"
    assert watcher.errors == [], f"console errors: {watcher.errors}"


# Each result group's page: its address, its heading as HTML and as text, and what is marked in it.
_RESULTS = """() => [...document.querySelectorAll('.md-search-result__item')].map((item) => {
  const link = item.querySelector('a.md-search-result__link');
  const heading = link.querySelector('h1, h2');
  return {
    href: link.getAttribute('href'),
    title: heading.innerHTML,
    text: heading.textContent,
    children: [...heading.children].map((child) => child.tagName),
    marks: [...heading.querySelectorAll('mark')].map((mark) => mark.textContent),
  };
})"""


def _search(page, query: str) -> list[dict]:
    """The results shown for ``query``, typed into the box as a whole (one query to the worker)."""
    box = page.locator("input.md-search__input")
    # Material sends a query on keyup; the empty one first, so the next results are this query's.
    box.fill("")
    box.press("End")
    page.wait_for_function(f"(text) => {META} === text", arg=PLACEHOLDER)
    box.fill(query)
    box.press("End")
    page.wait_for_function(f"(text) => {META} !== text", arg=PLACEHOLDER)
    return page.evaluate(_RESULTS)


def _paper(result: dict) -> str:
    match = re.search(r"papers/([^/.?]+)", result["href"])
    return match.group(1) if match else result["href"]


def test_the_page_runs_the_sites_worker_not_materials(searching):
    watcher, mode, workers = searching
    page = watcher.page
    config = json.loads(page.locator("#__config").text_content() or "{}")
    assert config["search"].split("?")[0].endswith(WORKER), config["search"]
    # Hosted, the worker fetches the papers' documents itself; file:// cannot, and the index holds them.
    assert ("?papers=" in config["search"]) == (mode == "hosted"), config["search"]
    if mode == "hosted":
        assert [url for url in workers if url.split("?")[0].endswith(WORKER)], workers
    else:
        # The iframe-worker shim runs the worker as a script in a hidden iframe.
        scripts = page.evaluate(
            "() => [...document.querySelectorAll('iframe')].flatMap((frame) =>"
            " [...frame.contentDocument.querySelectorAll('script[src]')].map((script) => script.src))"
        )
        assert [src for src in scripts if src.split("?")[0].endswith(WORKER)], scripts
    assert _search(page, WORD.lower())


def test_a_paper_is_found_by_its_title_wherever_the_build_put_its_document(searching, search_sites):
    """Hosted, the index holds no paper: only the worker's own fetch of the papers' documents finds one."""
    watcher, mode, _ = searching
    if mode == "hosted":
        index = json.loads((Path(search_sites["site"]) / SEARCH_INDEX).read_text("utf-8"))
        assert not [doc for doc in index["docs"] if doc["location"].startswith("papers/")]
    results = _search(watcher.page, UNTOUCHED_TITLE)
    assert results and _paper(results[0]) == UNTOUCHED, results[:3]


def test_a_word_is_found_from_its_first_letters_as_they_are_typed(searching):
    watcher, _, _ = searching
    page = watcher.page
    box = page.locator("input.md-search__input")
    box.press_sequentially(WORD[:5].lower(), delay=30)
    page.wait_for_function(
        """(query) => {
            const link = document.querySelector('.md-search-result__item a.md-search-result__link');
            return link && new URL(link.href).searchParams.get('h') === query;
        }""",
        arg=WORD[:5].lower(),
    )
    results = page.evaluate(_RESULTS)
    assert {_paper(result) for result in results} == {TITLE_HIT, TEXT_HIT}, results
    assert results[0]["marks"] == [WORD[:5]], results[0]


def test_a_title_match_ranks_above_a_text_match(searching, search_sites):
    watcher, _, _ = searching
    # The text match comes first in the index: only the ranking puts the title match first.
    index = search_index_of(Path(search_sites["site"]))
    locations = [doc["location"] for doc in index["docs"]]
    assert _position(locations, TEXT_HIT) < _position(locations, TITLE_HIT)
    assert [_paper(result) for result in _search(watcher.page, WORD.lower())] == [TITLE_HIT, TEXT_HIT]


def _position(locations: list[str], paper_id: str) -> int:
    return next(index for index, location in enumerate(locations) if f"papers/{paper_id}/" in location)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (f"{WORD} -quorble", [TEXT_HIT]),
        (f"{WORD} +quorble", [TITLE_HIT]),
        (f"-{WORD} +quorble", []),
        # Both hold the required word; the one that also holds "plain" comes first, title match or not.
        (f"+{WORD} plain", [TEXT_HIT, TITLE_HIT]),
    ],
)
def test_plus_requires_a_term_and_minus_excludes_it(searching, query: str, expected: list[str]):
    watcher, _, _ = searching
    results = _search(watcher.page, query)
    assert [_paper(result) for result in results] == expected, results


@pytest.mark.parametrize(("query", "marked"), [("quorble&c", "Quorble&C"), ("x<2", "x<2"), ("onerror", "onerror")])
def test_highlighting_marks_whole_characters_and_adds_no_other_markup(searching, query: str, marked: str):
    watcher, _, _ = searching
    page = watcher.page
    title = page.title()
    results = _search(page, query)
    assert [_paper(result) for result in results] == [TITLE_HIT], results
    # The heading reads as the record's title: no entity was split, no tag was made from its text.
    assert results[0]["text"] == HOSTILE_TITLE
    assert results[0]["children"] == ["MARK"] and results[0]["marks"] == [marked], results[0]
    live = page.evaluate(
        """() => [...document.querySelectorAll('.md-search-result *')].filter((element) =>
            ['SCRIPT', 'IMG', 'IFRAME', 'B'].includes(element.tagName)
            || [...element.attributes].some((attribute) => attribute.name.startsWith('on'))
        ).map((element) => element.outerHTML)"""
    )
    assert live == []
    assert page.title() == title


# Talks to the worker as Material's page does; returns what it answered.
_ASK = """async ({ url, index, queries, counts }) => {
  const worker = new Worker(url);
  const ask = (message) => new Promise((resolve, reject) => {
    worker.onmessage = (event) => resolve(event.data);
    worker.onerror = (event) => reject(new Error(event.message));
    worker.postMessage(message);
  });
  const started = performance.now();
  const ready = await ask({ type: 0, data: { config: index.config, docs: index.docs, options: { suggest: true } } });
  const setup = performance.now() - started;
  const results = [];
  const times = [];
  for (const query of queries) {
    const before = performance.now();
    const result = await ask({ type: 2, data: query });
    times.push(performance.now() - before);
    results.push(counts ? result.data.items.length : result);
  }
  worker.terminate();
  return { ready, setup, results, times };
}"""

# The pairs (field, field as highlighted) that differ once both are parsed as the result list
# parses them (innerHTML, in an inert template) and every <mark> element is unwrapped.
_NOT_ONLY_MARKS = """(pairs) => pairs.filter(([original, marked]) => {
  const parsed = (html) => {
    const template = document.createElement('template');
    template.innerHTML = html;
    for (const mark of [...template.content.querySelectorAll('mark')]) mark.replaceWith(...mark.childNodes);
    template.content.normalize();
    return template.innerHTML;
  };
  return parsed(original) !== parsed(marked);
})"""

# Documents whose markup a careless highlighter would break or bring to life.
HOSTILE_DOCS = [
    {
        "location": "hostile/",
        "title": "Quorble&amp;Co &lt;img src=x onerror=alert(1)&gt; x&lt;y &ampquorble &#113;uorble",
        "text": (
            '<p title="quorble>quorble">Quorble <code>quorble</code> &amp;quorble</p>'
            "<!-- quorble > quorble --><textarea>quorble</textarea><script>quorble</script>"
            "<style>quorble{}</style><svg><title>quorble</title></svg>quorble <![CDATA[quorble]]>"
            "<img src=x onerror=alert(1) alt=quorble"
        ),
        "tags": ["Quorble &amp; co", "<b>quorble</b>"],
    },
    {"location": "hostile/#section", "title": "Ünïcödé quorble", "text": "<p>ÉCOLE école ΟΔΟΣ ﬁne İstanbul fine…</p>"},
]


def test_the_worker_adds_only_marks_to_any_document(context, search_sites):
    page = context.new_page()
    page.goto(search_sites["hosted"])
    index = search_index_of(Path(search_sites["site"]))
    # First in the index: ties keep its order, and only a result's first 100 pages carry their text.
    index["docs"][:0] = HOSTILE_DOCS
    queries = ["quorble", "quorble&c", "&am", "x<y", "q", "onerror", "ecole", "οδος", "fine", "istanbul", "code", "p"]
    queries += ["yaml", "arnold", "the", "training", "kv cache", "a"]
    ask = {"url": search_sites["hosted"] + WORKER, "index": index, "queries": queries, "counts": False}
    answer = page.evaluate(_ASK, ask)
    assert answer["ready"] == {"type": 1}
    by_location = {doc["location"]: doc for doc in index["docs"]}
    pairs, marked = [], 0
    for query, result in zip(queries, answer["results"], strict=True):
        assert result["type"] == 3 and result["data"]["items"], query
        for group in result["data"]["items"]:
            page_location = group[0]["location"].split("#")[0]
            assert all(item["location"].split("#")[0] == page_location for item in group)
            for item in group:
                doc = by_location[item["location"]]
                fields = [("title", doc["title"], item["title"]), ("text", doc["text"], item["text"])]
                fields += [
                    ("tag", tag, shown) for tag, shown in zip(doc.get("tags", []), item.get("tags", []), strict=True)
                ]
                for _, original, shown in fields:
                    marked += shown != original
                    pairs.append([original, shown])
    assert marked > 100
    assert page.evaluate(_NOT_ONLY_MARKS, pairs) == []
    hostile = [group for group in answer["results"][0]["data"]["items"] if group[0]["location"] == "hostile/"]
    assert hostile and "<mark>Quorble</mark>" in hostile[0][0]["text"]
    # Accents and case do not matter, and a match is whole characters: "ΟΔΟΣ" holds a final sigma.
    accented = json.dumps(answer["results"][6:10], ensure_ascii=False)
    for word in (
        "<mark>ÉCOLE</mark>",
        "<mark>école</mark>",
        "<mark>ΟΔΟΣ</mark>",
        "<mark>ﬁne</mark>",
        "<mark>İstanbul</mark>",
    ):
        assert word in accented, word
    page.close()


def test_the_worker_sets_up_without_indexing(context, search_sites):
    """At 5,000 papers lunr spent seconds indexing before the first result; the scan needs none."""
    page = context.new_page()
    page.goto(search_sites["hosted"])
    index = search_index_of(Path(search_sites["site"]))
    papers = [doc for doc in index["docs"] if doc["location"].startswith("papers/")]
    docs = [
        {**doc, "location": f"papers/copy-{number}/", "title": f"{doc['title']} Kalo{number}"}
        for number, doc in enumerate(papers * (5000 // len(papers) + 1))
    ][:5000]
    index["docs"] = docs
    queries = ["kalo2500", "kalo", "training", "kv cache", "t"]
    ask = {"url": search_sites["hosted"] + WORKER, "index": index, "queries": queries, "counts": True}
    answer = page.evaluate(_ASK, ask)
    broad = page.evaluate(_ASK, {**ask, "queries": ["kalo"], "counts": False})["results"][0]["data"]["items"]
    page.close()
    assert len(broad) == 5000
    assert broad[99][0]["text"] and broad[100][0]["text"] == ""
    # Past the first 100 pages nothing is highlighted either: a title is sent as it is.
    assert "<mark>" in broad[99][0]["title"] and "<mark>" not in broad[100][0]["title"]
    assert broad[-1][0]["title"] in {doc["title"] for doc in docs}
    # Every match is counted (the page shows how many), though past the first 100 pages without text.
    assert answer["results"][:2] == [1, 5000]
    # Generous bounds on a shared machine: lunr took over 3 s to set up this many.
    assert answer["setup"] < 1000, answer["setup"]
    assert max(answer["times"]) < 500, answer["times"]


# Documents for the query rules readers rely on, one page each.
RULE_DOCS = [
    {"location": "offload/", "title": "Offloading tensors", "text": "<p>Moves tensors to host memory.</p>"},
    {"location": "filler/", "title": "For the rest", "text": "<p>For the most of the day, the rest.</p>"},
    {"location": "names/", "title": "Łukasiewicz, Ørsted and Ångström", "text": "<p>A ﬁne Straße.</p>"},
    {"location": "mid/", "title": "Deep", "text": "<p>" + " ".join(["bin"] * 80) + " inference</p>"},
    # The best page for "kalo" has a section that only mentions it, which ranks after 150 other pages.
    {"location": "best/", "title": "Kalo", "text": ""},
    *({"location": f"page-{number}/", "title": f"Kalo {number}", "text": ""} for number in range(150)),
    {"location": "best/#section", "title": "Section", "text": "<p>kalo in a long text of the section</p>"},
]


def test_the_worker_reads_queries_as_readers_write_them(context, search_sites):
    page = context.new_page()
    page.goto(search_sites["hosted"])
    index = search_index_of(Path(search_sites["site"]))
    queries = ["offloading for the", "offl*", "lukasiewicz orsted", "angs", "fine strasse", "in", "& ·", "kalo"]
    ask = {"url": search_sites["hosted"] + WORKER, "index": {**index, "docs": RULE_DOCS}, "queries": queries}
    answer = page.evaluate(_ASK, {**ask, "counts": False})
    page.close()
    results = dict(zip(queries, (result["data"] for result in answer["results"]), strict=True))

    def pages(query: str) -> list[str]:
        return [group[0]["location"] for group in results[query]["items"]]

    # Stop words beside other words do not count: the page holding only them does not match.
    assert pages("offloading for the") == ["offload/"]
    # A wildcard is the prefix match every term has.
    assert pages("offl*") == ["offload/"]
    # Letters Unicode does not decompose, and ligatures, are read as typed without them; the result's
    # terms give each word as the document spells it, for the opened page to highlight (?h=).
    names = results["lukasiewicz orsted"]["items"][0][0]
    assert "<mark>Łukasiewicz</mark>" in names["title"] and "<mark>Ørsted</mark>" in names["title"]
    assert names["terms"] == {"łukasiewicz": True, "ørsted": True}
    assert results["angs"]["items"][0][0]["terms"] == {"ångs": True}
    # The completion starts with what was typed, or Material would not offer it.
    assert results["angs"]["suggest"] == ["angstrom"]
    assert "<mark>ﬁne</mark> <mark>Straße</mark>" in results["fine strasse"]["items"][0][0]["text"]
    # A term found only after many places where it starts no word is still found.
    assert "mid/" in pages("in")
    # Punctuation alone is no term.
    assert results["& ·"]["items"] == []
    # A page's group keeps its text when its own place is among the first, whatever its hits' places.
    best = results["kalo"]["items"][0]
    assert [item["location"] for item in best] == ["best/", "best/#section"]
    assert "<mark>kalo</mark>" in best[1]["text"]
    assert len(results["kalo"]["items"]) == 151 and results["kalo"]["items"][-1][0]["text"] == ""


# Starts the worker from the address the page gives it, as Material does, and sends a query right after
# SETUP, without waiting for READY; returns the worker's answers, in order (or what came in 20 s).
_SETUP_THEN_QUERY = """async ({ index, query, address }) => {
  const config = JSON.parse(document.getElementById('__config').textContent);
  const worker = new Worker(new URL(address || config.search, location.href));
  const messages = [];
  const answered = new Promise((resolve, reject) => {
    worker.onmessage = (event) => {
      messages.push(event.data);
      if (messages.length === 2) resolve();
    };
    worker.onerror = (event) => reject(new Error(event.message));
    setTimeout(resolve, 20000);
  });
  worker.postMessage({ type: 0, data: { config: index.config, docs: index.docs, options: { suggest: false } } });
  worker.postMessage({ type: 2, data: query });
  await answered;
  worker.terminate();
  return messages;
}"""


def _pages_index(site: Path) -> dict:
    """The built site's search index as Material's page sends it to the worker: on the hosted site, no paper."""
    return json.loads((site / SEARCH_INDEX).read_text("utf-8"))


def test_a_query_sent_before_ready_is_answered_with_the_papers(context, search_sites):
    """The worker answers SETUP once the papers' documents it fetched are in; a query sent meanwhile waits for them."""
    page = context.new_page()
    page.goto(search_sites["hosted"])
    messages = page.evaluate(
        _SETUP_THEN_QUERY, {"index": _pages_index(Path(search_sites["site"])), "query": UNTOUCHED_TITLE}
    )
    page.close()
    assert [message["type"] for message in messages] == [1, 3], messages
    groups = messages[1]["data"]["items"]
    assert groups and groups[0][0]["location"] == url(paper(UNTOUCHED)), groups[:2]


@pytest.fixture(params=["missing", "not JSON", "not a list"])
def without_papers(request, search_sites, tmp_path: Path) -> Iterator[str]:
    """A copy of the hosted site whose papers' search documents cannot be read, served on 127.0.0.1."""
    site = Path(shutil.copytree(search_sites["site"], tmp_path / "site"))
    papers = site / url(SEARCH_DOCS)
    if request.param == "missing":
        papers.unlink()
    elif request.param == "not JSON":
        papers.write_text(papers.read_text("utf-8")[:-100], "utf-8")
    else:
        papers.write_text(json.dumps({"docs": json.loads(papers.read_text("utf-8"))}), "utf-8")
    with serve(site) as hosted:
        yield hosted


def test_without_the_papers_documents_the_other_pages_are_still_searched(context, without_papers):
    page = context.new_page()
    watcher = Watched(page, site_prefix(without_papers, "hosted"))
    warnings: list[str] = []
    page.on("console", lambda message: message.type == "warning" and warnings.append(message.text))
    watcher.goto(without_papers)
    page.keyboard.press("/")
    page.locator("input.md-search__input").wait_for(state="visible")
    # The worker answered READY: Material asks it for the empty query then.
    page.wait_for_function(f"(text) => {META} === text", arg=PLACEHOLDER)
    results = _search(page, "contributing")
    assert results and "contributing" in results[0]["href"], results[:3]
    # Listing pages name the paper; its own page is not found.
    assert not [result for result in _search(page, UNTOUCHED_TITLE) if "papers/" in result["href"]]
    assert [warning for warning in warnings if "papers' documents could not be read" in warning], warnings
    page.close()


def test_the_worker_fetches_papers_only_from_inside_its_own_site(context, search_sites, tmp_path: Path):
    """A host serves the sites of one owner on one origin (owner.github.io/one/, /two/): the worker reads
    papers' documents only from inside its own site, whatever its address names."""
    host = tmp_path / "host"
    shutil.copytree(search_sites["site"], host / "site")
    outsider = {"location": "papers/outsider/", "title": "Outsider Zqxvint", "text": "", "tags": []}
    (host / "outside.json").write_text(json.dumps([outsider]), "utf-8")
    requested: list[str] = []
    with serve(host) as base:
        page = context.new_page()
        page.on("request", lambda request: requested.append(request.url))
        page.goto(base + "site/")
        address = WORKER + "?" + urlencode({"papers": "../../outside.json"})
        index = _pages_index(Path(search_sites["site"]))
        messages = page.evaluate(_SETUP_THEN_QUERY, {"index": index, "query": "Zqxvint", "address": address})
        page.close()
    assert [message["type"] for message in messages] == [1, 3], messages
    assert messages[1]["data"]["items"] == []
    assert [address for address in requested if address.endswith("/outside.json")] == []


def test_a_link_to_an_offline_page_cannot_name_papers_for_the_worker(context, search_sites):
    """Under file:// the shim runs the worker in an iframe that has the page's location, whose query string any
    link sets: the worker must fetch nothing it names (Material inserts the documents' titles as HTML)."""
    page = context.new_page()
    watcher = Watched(page, site_prefix(search_sites["offline"], "offline"))
    elsewhere = search_sites["hosted"] + url(SEARCH_DOCS)
    watcher.goto(page_url(search_sites, "offline", "") + "?" + urlencode({"papers": elsewhere}))
    page.keyboard.press("/")
    page.locator("input.md-search__input").wait_for(state="visible")
    page.wait_for_function(f"(text) => {META} === text", arg=PLACEHOLDER)
    results = _search(page, UNTOUCHED_TITLE)
    page.close()
    assert results and _paper(results[0]) == UNTOUCHED, results[:3]
    assert watcher.foreign == [] and watcher.errors == [], (watcher.foreign, watcher.errors)
