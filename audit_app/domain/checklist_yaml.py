"""Parse checklist YAML text into a `Checklist`, with errors that name file, line and field.

Pure: the caller reads the file and passes its text and name, so the domain does no I/O."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import yaml
from pydantic import ValidationError

from .checklist import Checklist


class ChecklistError(ValueError):
    """A checklist file that cannot be used; `problems` holds one line per problem."""

    def __init__(self, source_name: str, problems: list[str]):
        self.source_name = source_name
        self.problems = problems
        super().__init__("\n".join(problems))


# libyaml's loader when PyYAML was built with it: every device open parses the bundled checklists,
# and the pure-Python parser (twice: data, then nodes for line numbers) took ~0.5 s of a cold start.
_FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_PATH_PREFIX = re.compile(r"^((?:[A-Za-z_]\w*|\[\d+\])(?:\.[A-Za-z_]\w*|\[\d+\])*): (.*)$", re.S)


class _Located:
    """The YAML node tree beside the plain data, to look up the line of any path."""

    def __init__(self, node: yaml.Node):
        self.node = node

    def line_of(self, loc: tuple[str | int, ...]) -> int:
        node = self.node
        line = node.start_mark.line
        for part in loc:
            child = None
            if isinstance(node, yaml.MappingNode) and isinstance(part, str):
                for key_node, value_node in node.value:
                    if key_node.value == part:
                        child = value_node
                        line = key_node.start_mark.line
                        break
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if 0 <= part < len(node.value):
                    child = node.value[part]
                    line = child.start_mark.line
            if child is None:
                break
            node = child
        return line + 1


def _format_loc(loc: tuple[str | int, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _parse_path(text: str) -> tuple[str | int, ...]:
    return tuple(int(p[1:-1]) if p.startswith("[") else p
                 for p in re.findall(r"\[\d+\]|[A-Za-z_]\w*", text))


def _number(value: object) -> object:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _message(error: dict[str, Any]) -> str:
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind == "greater_than":
        return f"must be > {_number(ctx.get('gt'))}"
    if kind == "greater_than_equal":
        return f"must be >= {_number(ctx.get('ge'))}"
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "missing":
        return "required field is missing"
    if kind == "string_pattern_mismatch":
        return f"must match {ctx.get('pattern')}"
    message = error["msg"]
    return message.removeprefix("Value error, ")


def _problem_lines(source_name: str, error: ValidationError, located: _Located) -> list[str]:
    lines = []
    for item in error.errors():
        # Drop the union/tag parts pydantic adds (e.g. 'function-after[...]'), keep real keys.
        loc = tuple(p for p in item["loc"] if isinstance(p, int) or not p.startswith(("function-", "constrained-")))
        message = _message(item)
        # Model-level checks say which field they mean as "field: message" or "a[0].b: message".
        match = _PATH_PREFIX.match(message)
        if match:
            loc = loc + _parse_path(match.group(1))
            message = match.group(2)
        path = _format_loc(loc) or "(top level)"
        lines.append(f"{source_name}:{located.line_of(loc)}: {path}: {message}")
    return lines


def parse_checklist_yaml(text: str, source_name: str) -> Checklist:
    """Parse and validate checklist YAML; raise `ChecklistError` listing every problem."""
    try:
        data = yaml.load(text, Loader=_FAST_LOADER)
    except yaml.YAMLError:
        data = _pure_python_parse(text, source_name)  # raises, with the pure loader's wording
    if not isinstance(data, dict):
        raise ChecklistError(source_name, [f"{source_name}:1: (top level): must be a mapping"])
    try:
        return Checklist.model_validate(data)
    except ValidationError as exc:
        # Only a refused file needs the node tree (for the line of each problem).
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        raise ChecklistError(source_name, _problem_lines(source_name, exc, _Located(node))) from exc


def _pure_python_parse(text: str, source_name: str) -> object:
    """The pure-Python loader, whose messages and marks the error lines were written against."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ChecklistError(source_name, [f"{source_name}{line}: invalid YAML: {problem}"]) from exc


def parse_checklist_files(sources: Iterable[tuple[str, str]], collection_name: str) -> list[Checklist]:
    """Parse (name, text) pairs, e.g. a folder's files; one `ChecklistError` lists every problem
    of every file, and a checklist version defined twice. Sorted by (id, version)."""
    checklists: list[Checklist] = []
    problems: list[str] = []
    for name, text in sources:
        try:
            checklists.append(parse_checklist_yaml(text, name))
        except ChecklistError as exc:
            problems.extend(exc.problems)
    seen: set[tuple[str, int]] = set()
    for checklist in checklists:
        if checklist.ref in seen:
            problems.append(f"{collection_name}: {checklist.id} v{checklist.version} is defined twice")
        seen.add(checklist.ref)
    if problems:
        raise ChecklistError(collection_name, problems)
    return sorted(checklists, key=lambda c: c.ref)


def checklist_json_schema() -> dict[str, Any]:
    """The JSON Schema checklist authors can point their editor at (checklists/schema.json)."""
    schema = Checklist.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "Field Audit checklist"
    return schema
