"""An MkDocs hook for the scale benchmark: where `mkdocs build` spends its time, by kind of page.

The benchmark adds it to the temporary copy's mkdocs.yml. It times the config, which
holds the generator hook's run, from the first on_config handler to on_pre_build
(every on_config handler runs in between). For each kind of page it sums the Markdown
conversion (on_page_markdown to on_page_content, with every plugin's work in between)
and the theme with the search plugin (on_page_context to on_post_page). The build
after the config runs from on_pre_build to on_post_build: reading the files, the
nav, every page, the search index and the assets; the generator runs before it, in the
generator hook's on_config. Results go to the JSON file named by PAPERLIST_TIMINGS.
"""

from __future__ import annotations

import json
import os
import time
from collections import defaultdict
from pathlib import Path

from mkdocs.plugins import event_priority

from generator import routes

# Hooks run after plugins by default: each window opens before every plugin and closes after
# all of them, so that, say, the search plugin's parsing of each page is counted in its window.
FIRST, LAST = 100, -100

_started: dict[str, float] = {}
_seconds: dict[str, dict[str, float]] = defaultdict(lambda: {"pages": 0, "markdown": 0.0, "theme and search": 0.0})


def _kind(page) -> str:
    return routes.kind(page.file.src_uri) or "other"


@event_priority(FIRST)
def on_config(config, **kwargs):
    _started["config"] = time.perf_counter()
    return config


@event_priority(FIRST)
def on_pre_build(config, **kwargs) -> None:
    _started["build"] = time.perf_counter()


@event_priority(FIRST)
def on_page_markdown(markdown, page, **kwargs):
    _started[page.file.src_uri] = time.perf_counter()
    return markdown


@event_priority(LAST)
def on_page_content(html, page, **kwargs):
    kind = _seconds[_kind(page)]
    kind["pages"] += 1
    kind["markdown"] += time.perf_counter() - _started[page.file.src_uri]
    return html


@event_priority(FIRST)
def on_page_context(context, page, **kwargs):
    _started[page.file.src_uri] = time.perf_counter()
    return context


@event_priority(LAST)
def on_post_page(output, page, **kwargs):
    _seconds[_kind(page)]["theme and search"] += time.perf_counter() - _started[page.file.src_uri]
    return output


def on_post_build(config, **kwargs) -> None:
    if "PAPERLIST_TIMINGS" in os.environ:  # not under `mkdocs serve`, which the benchmark also times
        total = time.perf_counter() - _started["build"]
        report = {
            "pages": dict(_seconds),
            "config with the generator": _started["build"] - _started["config"],
            "build after the config": total,
        }
        Path(os.environ["PAPERLIST_TIMINGS"]).write_text(json.dumps(report), "utf-8")
