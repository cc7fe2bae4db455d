"""Generator for a curated paper list: YAML records → Jinja → Markdown pages, README and exports.

The pipeline runs on its own (``python -m generator build``); MkDocs calls it
through the thin hook in ``generator/mkdocs_hook.py``.
"""
