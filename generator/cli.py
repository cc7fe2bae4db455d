"""Command-line interface: ``python -m generator <command>``."""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .build import BuildResult, Project, generate, load_catalog
from .findings import DataError, errors_in, format_findings
from .parallel import MAXIMUM_WORKERS, MINIMUM_ITEMS
from .text import counted
from .write import WriteError

# Each command imports what only it needs: `build` with nothing changed must not pay for
# Jinja, jsonschema, the importer or the link checker.
if TYPE_CHECKING:
    from .importer import ImportPlan

# The link checker's option to reach private addresses: named here, where the parser needs it
# for every command, and imported by the link checker's messages.
ALLOW_PRIVATE_OPTION = "--allow-private"


def build_summary(result: BuildResult, *, check: bool = False) -> dict[str, Any]:
    """What a build did, for programs: counts, each stage's seconds and, in check mode, the stale files."""
    summary: dict[str, Any] = {
        "papers": result.papers,
        "written": len(result.report.written),
        "removed": len(result.report.removed),
        "warnings": len(result.warnings),
        "stages": dict(result.times),
    }
    if check:
        summary["stale"] = list(result.report.stale)
    return summary


def _positive(text: str) -> int:
    """An argument that must be a whole number above 0."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number above 0")
    return int(text)


def _build(args: argparse.Namespace) -> int:
    result = generate(Project(Path(args.root)), check=args.check, workers=args.workers)
    for warning in result.warnings if args.verbose else []:
        print(warning, file=sys.stderr)
    report = result.report
    if args.json:
        # stdout holds the JSON alone; messages for people stay on stderr.
        print(json.dumps(build_summary(result, check=args.check), indent=2))
    if args.check and report.stale:
        print("stale generated files (run `python -m generator build`):", file=sys.stderr)
        for path in report.stale:
            print(f"  {path}", file=sys.stderr)
        return 1
    if args.json:
        return 0
    if args.check:
        print(f"up to date: {counted(result.papers, 'paper')}")
        return 0
    print(
        f"{counted(result.papers, 'paper')}: wrote {counted(len(report.written), 'file')}, "
        f"removed {len(report.removed)}; {warnings_summary(len(result.warnings), listed=args.verbose)}"
    )
    if args.timings:
        print(f"stages: {result.times}")
    return 0


# How a summary line points at the warnings it only counts.
LIST_WARNINGS = "run `python -m generator validate --verbose` to list them"


def warnings_summary(count: int, listed: bool) -> str:
    """ "55 warnings", and how to see them when they were only counted."""
    return counted(count, "warning") + (f": {LIST_WARNINGS}" if count and not listed else "")


def _selection(args: argparse.Namespace) -> tuple[set[str], set[str]]:
    from .changes import changed_since, named_files

    """The files named on the command line, and those changed since --changed-since."""
    root = Path(args.root)
    named = named_files(root, root / "entries", args.paths)
    changed = changed_since(root, args.changed_since) if args.changed_since is not None else set()
    return named, changed


def _validate(args: argparse.Namespace) -> int:
    from .changes import SelectionError
    from .load import load_entries
    from .validate import validate

    try:
        named, changed = _selection(args)
    except SelectionError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    new = named | changed
    try:
        findings, complete = validate(load_entries(Path(args.root) / "entries"), new=new), True
    except DataError as error:
        findings, complete = error.findings, False
    # Named files: their own findings only, checked against everything else.
    others = errors_in([finding for finding in findings if finding.path not in named]) if named else []
    in_scope = [finding for finding in findings if finding.path in named] if named else findings
    errors = errors_in(in_scope)
    warnings = [finding for finding in in_scope if finding.severity == "warning"]
    # Everyone's warnings in full only when asked; a program reading JSON gets them all.
    listed = args.verbose or args.format == "json"
    shown = warnings if listed else [finding for finding in warnings if finding.path in new]
    if errors or shown:
        print(format_findings(errors + shown, args.format))
    if args.format != "json":
        hidden = len(warnings) - len(shown)
        if hidden and shown:
            summary = f"{counted(len(shown), 'warning')}; {hidden} more in other files: {LIST_WARNINGS}"
        else:
            summary = warnings_summary(len(warnings), listed=not hidden)
        where = f" in {', '.join(sorted(named))}" if named else ""
        print(f"{counted(len(errors), 'error')}, {summary}{where}", file=sys.stderr)
        if others:
            # Another file that cannot be read stops the whole check, the named files' included.
            effect = "stopped the check of the files named" if not complete else "(not in the files named)"
            print(
                f"{counted(len(others), 'error')} in other files {effect}: run `python -m generator validate` "
                "to list them",
                file=sys.stderr,
            )
    failed = errors or (others and not complete) or (args.strict and in_scope)
    return 1 if failed else 0


def _read_list_file(source: Path) -> str:
    try:
        return source.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{source}: not UTF-8 text; save the list as UTF-8") from None
    except OSError as error:
        raise ValueError(f"{source}: cannot read: {error.strerror}") from None


def _import_summary(source: Path, plan: ImportPlan) -> str:
    imported = plan.imported
    return "\n".join(
        [
            f"imported {source} as list '{imported.list_id}': {len(imported.papers)} papers",
            f"  {len(imported.new_records)} new records; {imported.placements_added} placements added to "
            f"existing records, {imported.placements_updated} updated (a re-import)",
            f"  wrote {len(plan.files)} files under {plan.folder}; {plan.unchanged} records unchanged",
            f"  {len(imported.warnings)} warning{'' if len(imported.warnings) == 1 else 's'}"
            + (" (listed above, with file:line)" if imported.warnings else ""),
        ]
    )


def _import_markdown(args: argparse.Namespace) -> int:
    from .importer import plan_import, write_plan
    from .mdlist import ListError

    source = Path(args.file)
    added = dt.date.fromisoformat(args.added) if args.added else None
    folder = Path(args.out) if args.out else Path(args.root) / "entries"
    try:
        plan = plan_import(folder, _read_list_file(source), str(source), args.list, added)
    except ListError as error:
        # The message already reads "file:line: error: …".
        print(error, file=sys.stderr)
        return 1
    for warning in plan.imported.warnings:
        print(warning, file=sys.stderr)
    write_plan(plan)
    print(_import_summary(source, plan))
    return 0


def _make_collection(args: argparse.Namespace) -> int:
    from .convert import plan_make_collection
    from .load import PAPERS_DIR

    entries = Path(args.root) / "entries"
    plan = plan_make_collection(entries, args.list)
    plan.write()
    print(
        f"made {entries} a collection holding one list, '{args.list}' (entries/lists/{args.list}.yml); "
        f"{counted(sum(path.parent.name == PAPERS_DIR for path in plan.files), 'record')} now name it. "
        "Add lists with "
        "`python -m generator import-markdown FILE --list ID`."
    )
    return 0


def _import_index(args: argparse.Namespace) -> int:
    from .convert import plan_import_index
    from .mdlist import ListError

    source = Path(args.file)
    try:
        plan = plan_import_index(Path(args.root) / "entries", _read_list_file(source), str(source))
    except ListError as error:
        print(error, file=sys.stderr)
        return 1
    for warning in plan.warnings:
        print(warning, file=sys.stderr)
    plan.write()
    print(f"imported {source}: {counted(len(plan.files), 'file')} updated under entries")
    return 0


def _new(args: argparse.Namespace) -> int:
    from .load import load_entries
    from .paths import display_path
    from .scaffold import NewPaper, categories_of, prompt_list, prompt_missing, write_new
    from .schemas import LIST, TAXONOMY
    from .validate import check_taxonomy, suggest, validate

    entries = Path(args.root) / "entries"
    raw = load_entries(entries)
    list_id: str | None = args.list
    if raw.is_collection:
        lists = {document.stem: document for document in raw.lists}
        titles = [
            (stem, str(document.data.get("title") if isinstance(document.data, dict) else stem))
            for stem, document in lists.items()
        ]
        if not list_id and sys.stdin.isatty() and not args.no_input:
            list_id = prompt_list(titles)
        if not list_id:
            print(f"error: --list is required in a collection; one of: {', '.join(lists)}", file=sys.stderr)
            return 2
        if list_id not in lists:
            hint = suggest(list_id, list(lists)) or f"; choose one of: {', '.join(lists)}"
            print(f"error: unknown list '{list_id}'{hint}", file=sys.stderr)
            return 2
        raw_taxonomy, schema_name = lists[list_id], LIST
    elif list_id:
        print("error: this project has one list (entries/taxonomy.yml); leave out --list", file=sys.stderr)
        return 2
    else:
        raw_taxonomy, schema_name = raw.taxonomy, TAXONOMY
    # The categories below are read from the taxonomy: it must be sound first.
    if taxonomy_errors := errors_in(check_taxonomy(raw_taxonomy, schema_name)[0]):
        raise DataError(taxonomy_errors)
    taxonomy = raw_taxonomy.data
    categories = categories_of(taxonomy)
    paper = NewPaper(
        title=args.title or "",
        category=args.category or "",
        list_id=list_id,
        links=args.link or [],
        authors=args.author or [],
        paper_id=args.id,
        venue=args.venue or taxonomy.get("venue"),
        year=args.year or taxonomy.get("year"),
    )
    if sys.stdin.isatty() and not args.no_input:
        paper = prompt_missing(paper, categories)
    if not paper.title or not paper.category:
        print("error: --title and --category are required when not on a terminal", file=sys.stderr)
        return 2
    known = [category for category, _ in categories]
    if paper.category not in known:
        hint = suggest(paper.category, known) or f"; choose one of: {', '.join(known)}"
        print(f"error: unknown category '{paper.category}'{hint}", file=sys.stderr)
        return 2
    added = dt.date.fromisoformat(args.added) if args.added else dt.date.today()
    path = write_new(entries / "papers", paper, added, force=args.force)
    written = display_path(path, entries.parent)
    errors = [
        finding
        for finding in validate(load_entries(entries), new={written})
        if finding.path == written and finding.severity == "error"
    ]
    if errors and not args.force:
        # The file did not exist before this command, so removing it loses nothing.
        path.unlink()
        print(format_findings(errors, "text"), file=sys.stderr)
        print(f"error: {path.name} was not kept; fix the flags above and run again", file=sys.stderr)
        return 1
    print(f"wrote {path}; fill in the summary, then run: python -m generator validate")
    return 0


def _export_offline(args: argparse.Namespace) -> int:
    from .offline import build_offline_site, check_archive_target, export_targets, write_single_file, zip_folder

    project = Project(Path(args.root))
    out = Path(args.out)
    if args.single_file:
        target = out if out.suffix == ".html" else out / "index.html"
        write_single_file(project, target)
        print(f"wrote {target}: the whole list in one HTML file")
        return 0
    folder, archive = export_targets(out, args.zip)
    if archive is not None:
        check_archive_target(archive)
    build_offline_site(project, folder)
    print(f"built the offline site in {folder}; open {folder / 'index.html'}")
    if archive is not None:
        try:
            zip_folder(folder, archive)
        except OSError as error:
            raise WriteError(f"cannot write {archive}: {error.strerror or error}") from None
        print(f"zipped it to {archive}")
    return 0


def _check_links(args: argparse.Namespace) -> int:
    from .linkcheck import CheckSettings, LinkChecker, report

    project = Project(Path(args.root))
    catalog, _ = load_catalog(project)
    settings = CheckSettings(
        timeout=args.timeout,
        retries=args.retries,
        backoff=args.backoff,
        per_host=args.per_host,
        slow_after=args.slow_after,
        allow_private=args.allow_private,
    )
    cache = None if args.no_cache else Path(args.cache)
    checker = LinkChecker(settings, cache)
    results = checker.check([link.url for paper in catalog.papers for link in paper.links])
    lines, dead = report(catalog, results, settings.slow_after)
    for line in lines:
        print(line)
    print(
        f"{counted(len(results), 'link')} checked: {dead} dead, {len(lines) - dead} redirected or slow", file=sys.stderr
    )
    return 1 if dead else 0


def _audit(args: argparse.Namespace) -> int:
    from . import routes
    from .audit import audit_html, audit_site, theme_inline_scripts
    from .render import single_file_stylesheet

    project = Project(Path(args.root))
    target = Path(args.path)
    if target.is_file():
        pages = 1
        findings = audit_html(
            target.read_text(encoding="utf-8"), target.name, stylesheets=frozenset({single_file_stylesheet()})
        )
    elif target.is_dir():
        catalog, _ = load_catalog(project)
        pages = sum(1 for _ in target.rglob("*.html"))
        findings = audit_site(
            target,
            inline_scripts=theme_inline_scripts(project.mkdocs_yml),
            base_path=routes.site_path(catalog.site_url),
        )
    else:
        print(f"error: {target} is neither a built site's folder nor an HTML file", file=sys.stderr)
        return 2
    for finding in findings:
        print(finding)
    print(
        f"{counted(pages, 'HTML file')} audited: {counted(len(findings), 'piece', 'pieces')} of live markup "
        "that the theme and the project's assets did not put there",
        file=sys.stderr,
    )
    return 1 if findings else 0


def _check_site(args: argparse.Namespace) -> int:
    import yaml

    from .sitelinks import broken_links, site_url_of

    site = Path(args.site)
    if not site.is_dir():
        print(f"error: {site} is not a folder: give the folder `mkdocs build` or export-offline wrote", file=sys.stderr)
        return 2
    site_url = args.site_url
    mkdocs_yml = Project(Path(args.root)).mkdocs_yml
    if site_url is None and mkdocs_yml.is_file():
        try:
            site_url = site_url_of(mkdocs_yml)
        except yaml.YAMLError as error:
            print(f"error: {mkdocs_yml} is not valid YAML: {error}; or give --site-url", file=sys.stderr)
            return 2
    broken = broken_links(site, site_url=site_url, offline=args.offline)
    for link in broken:
        print(link)
    pages = sum(1 for _ in site.rglob("*.html"))
    print(f"{counted(pages, 'HTML file')} checked: {counted(len(broken), 'broken link')}", file=sys.stderr)
    return 1 if broken else 0


def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(prog="python -m generator", description=__doc__)
    main_parser.add_argument("--root", default=".", help="project folder (default: current)")
    commands = main_parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", help="render the records into docs/ and README.md")
    build.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 and name the files that are out of date"
    )
    build.add_argument("--verbose", action="store_true", help="also print data warnings")
    build.add_argument("--timings", action="store_true", help="also print the seconds each stage took")
    build.add_argument(
        "--json",
        action="store_true",
        help="print a JSON summary instead (papers, files written and removed, warnings, stage seconds)",
    )
    build.add_argument(
        "--workers",
        type=_positive,
        metavar="N",
        help=f"processes that share the work (default: one per core, up to {MAXIMUM_WORKERS}, "
        f"for {MINIMUM_ITEMS} or more records or pages)",
    )
    build.set_defaults(run=_build)

    check = commands.add_parser(
        "validate",
        help="check every record, the taxonomy and cross-record rules",
        description="Check the data. Errors are always listed; warnings are counted, and listed for the "
        "files named or changed (or all of them with --verbose).",
    )
    check.add_argument(
        "paths",
        nargs="*",
        metavar="FILE",
        help="check these records against the whole list, and report only their findings",
    )
    check.add_argument(
        "--changed-since",
        metavar="REV",
        help="list the warnings of the files changed since this git revision (such as main), and treat "
        "them as the new copy when a paper is listed twice",
    )
    check.add_argument("--verbose", action="store_true", help="list every warning, not only their count")
    check.add_argument("--format", choices=["text", "github", "json"], default="text", help="json lists everything")
    check.add_argument("--strict", action="store_true", help="fail on warnings too")
    check.set_defaults(run=_validate)

    new = commands.add_parser("new", help="scaffold a new paper record (prompts on a terminal)")
    new.add_argument("--title")
    new.add_argument("--list", help="in a collection: the list it goes in (a file name of entries/lists/)")
    new.add_argument("--category", help="<section-id>/<subsection-id>, or a section's id if it has no subsections")
    new.add_argument("--link", action="append", help="URL or Label=URL; repeat for several")
    new.add_argument("--author", action="append", help="one author; repeat in paper order")
    new.add_argument("--id", help="file name without .yaml (default: derived from the title)")
    new.add_argument("--venue")
    new.add_argument("--year", type=int)
    new.add_argument("--added", help="date added (YYYY-MM-DD; default today)")
    new.add_argument("--force", action="store_true", help="replace an existing file with that id")
    new.add_argument("--no-input", action="store_true", help="never prompt, even on a terminal")
    new.set_defaults(run=_new)

    offline = commands.add_parser("export-offline", help="the site for file:// use, or one HTML file")
    offline.add_argument(
        "out", help="folder for the site (an OUT.zip: the archive, the folder OUT beside it; .html with --single-file)"
    )
    offline.add_argument("--zip", action="store_true", help="also pack the folder OUT into OUT.zip")
    offline.add_argument(
        "--single-file", action="store_true", help="write one self-contained HTML file of the whole list instead"
    )
    offline.set_defaults(run=_export_offline)

    links = commands.add_parser("check-links", help="check that every URL in the records answers")
    links.add_argument("--timeout", type=float, default=10.0, help="seconds per request (default 10)")
    links.add_argument("--retries", type=int, default=2, help="retries for timeouts, 429 and 5xx")
    links.add_argument("--backoff", type=float, default=1.0, help="first retry delay in seconds, doubled each time")
    links.add_argument("--per-host", type=int, default=2, help="requests at once to one host")
    links.add_argument("--slow-after", type=float, default=5.0, help="report links slower than this")
    links.add_argument("--cache", default=".cache/links.json", help="results cache, reused for a day")
    links.add_argument("--no-cache", action="store_true")
    links.add_argument(
        ALLOW_PRIVATE_OPTION,
        action="store_true",
        help="also check loopback and private addresses (refused by default; link-local never)",
    )
    links.set_defaults(run=_check_links)

    audit = commands.add_parser("audit", help="find scripts, styles and event handlers that records put into a build")
    audit.add_argument("path", help="a built site's folder, or a single-file export")
    audit.set_defaults(run=_audit)

    site = commands.add_parser("check-site", help="find broken internal links in a built site (no network)")
    site.add_argument("site", help="a built site's folder (mkdocs build, or export-offline)")
    site.add_argument(
        "--offline", action="store_true", help="the folder is an offline export: links must stay in it and name files"
    )
    site.add_argument("--site-url", help="the address the site is published at (default: mkdocs.yml's site_url)")
    site.set_defaults(run=_check_site)

    importer = commands.add_parser(
        "import-markdown", help="import a list in the curator's Markdown format into the collection"
    )
    importer.add_argument("file")
    importer.add_argument("--list", required=True, help="the list's id, e.g. inference (kebab-case)")
    importer.add_argument(
        "--out", help="folder to import into (lists/ and papers/ under it); default: the project's entries/"
    )
    importer.add_argument("--added", help="date-added for new records (YYYY-MM-DD; default today)")
    importer.set_defaults(run=_import_markdown)

    convert = commands.add_parser(
        "make-collection", help="turn this single-list project into a collection that holds its list"
    )
    convert.add_argument("--list", required=True, help="the id its list gets, e.g. training (kebab-case)")
    convert.set_defaults(run=_make_collection)

    index = commands.add_parser(
        "import-index", help="read the collection's README (title, intro, list order, overviews) into entries/"
    )
    index.add_argument("file")
    index.set_defaults(run=_import_index)
    return main_parser


def main(argv: list[str] | None = None) -> int:
    # Whatever a message quotes, printing it must not fail on a terminal that cannot show it.
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
    args = parser().parse_args(argv)
    try:
        command: Callable[[argparse.Namespace], int] = args.run
        return command(args)
    except BrokenPipeError:
        # The reader (`| head`) stopped listening: send what is still buffered nowhere,
        # as Python's documentation recommends, instead of failing again at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except DataError as error:
        # The errors stopped the run; warnings, which never do, are `validate`'s to list.
        errors = errors_in(error.findings)
        print(format_findings(errors, getattr(args, "format", "text")), file=sys.stderr)
        print(f"{counted(len(errors), 'error')}: nothing was written or deleted", file=sys.stderr)
        return 1
    except (EOFError, KeyboardInterrupt):
        # A prompt of `new` closed with Ctrl-D or Ctrl-C: nothing was written yet.
        print("\ncancelled: nothing was written", file=sys.stderr)
        return 130
    except (FileExistsError, ValueError, RuntimeError, WriteError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except OSError as error:
        # A file the command reads or writes outside the build's own checks (an export, an import).
        print(f"error: {error.filename or ''}: {error.strerror or error}", file=sys.stderr)
        return 1
