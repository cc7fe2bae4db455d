"""YAML parsing and record formatting, with PyYAML's C implementation when present."""

from __future__ import annotations

from typing import Any

import yaml
from yaml.constructor import SafeConstructor

__all__ = ["SafeConstructor", "SafeDumper", "SafeLoader", "dump_record", "dump_yaml", "load_site_config"]

try:  # The C loader parses records about ten times faster than the pure-Python one.
    SafeLoader: type = yaml.CSafeLoader
    SafeDumper: type = yaml.CSafeDumper
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    SafeLoader = yaml.SafeLoader
    SafeDumper = yaml.SafeDumper


def _ignore_tag(loader: yaml.Loader, suffix: str, node: yaml.Node) -> None:
    return None


class _SiteConfigLoader(SafeLoader):  # type: ignore[misc]
    """mkdocs.yml's tags (``!ENV``, ``!!python/name:``) read as nothing: only its plain settings are wanted."""


_SiteConfigLoader.add_multi_constructor("!", _ignore_tag)
_SiteConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", _ignore_tag)


def load_site_config(text: str) -> Any:
    """The data of an MkDocs configuration, its tags read as nothing; raises yaml.YAMLError."""
    return yaml.load(text, Loader=_SiteConfigLoader)


SCHEMA_COMMENT = "# yaml-language-server: $schema=../../generator/schema/paper.schema.json\n"


class _RecordDumper(yaml.SafeDumper):
    """Block style, and multi-line strings as literal blocks, as a person would write them.

    The pure-Python dumper, not libyaml's: libyaml writes characters outside the Basic
    Multilingual Plane (emoji such as 🎮) as escapes, which a person editing the file
    cannot read. Files are dumped rarely (new, import), so its speed does not matter.
    """


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_RecordDumper.add_representer(str, _represent_str)


def dump_yaml(data: Any) -> str:
    """Serialise ``data`` in a stable, readable block style with keys in the given order."""
    return yaml.dump(
        data,
        Dumper=_RecordDumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=10_000,
        indent=2,
    )


def dump_record(data: dict[str, Any]) -> str:
    """The text of a paper record file, headed by the schema line editors read."""
    return SCHEMA_COMMENT + dump_yaml(data)
