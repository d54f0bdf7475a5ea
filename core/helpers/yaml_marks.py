"""Where a YAML file is wrong, for messages that name the line and column: the place of a
key path, keys written twice, and a syntax error in words. Shared by ``linli.yaml`` and
blueprint files."""

from __future__ import annotations

import yaml


def line_and_column(mark: yaml.Mark) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}"


def syntax_error(where: str, error: yaml.MarkedYAMLError) -> str:
    """``error`` in words, after ``where`` (the file) and the line and column."""
    mark = error.problem_mark or error.context_mark
    place = f"{where}, {line_and_column(mark)}" if mark else where
    problem = error.problem or "unreadable"
    if "'\\t'" in problem:
        problem += " (indent with spaces, not tabs)"
    if error.context and error.context_mark and error.context_mark != mark:
        problem = f"{error.context} (line {error.context_mark.line + 1}), {problem}"
    return f"{place}: invalid YAML: {problem}"


def locate(root: yaml.Node, path: list[str]) -> yaml.Mark:
    """Where ``path`` is written: its key's mark, or its nearest written parent's."""
    node, mark = root, root.start_mark
    for key in path:
        if isinstance(node, yaml.SequenceNode) and key.isdigit() and int(key) < len(node.value):
            node = node.value[int(key)]
            mark = node.start_mark
            continue
        if not isinstance(node, yaml.MappingNode):
            break
        # The last of duplicate keys is the one that counts.
        found = [(k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == key]
        if not found:
            break
        key_node, node = found[-1]
        mark = key_node.start_mark
    return mark


def duplicate_keys(node: yaml.Node, path: list[str]) -> list[tuple[yaml.Mark, str]]:
    """Keys written twice in one mapping: YAML would silently keep only the last."""
    problems: list[tuple[yaml.Mark, str]] = []
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, yaml.Mark] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else ""
            if key in seen:
                what = f"written twice (also on line {seen[key].line + 1}); remove one"
                problems.append((key_node.start_mark, f"{'.'.join([*path, key])}: {what}"))
            seen[key] = key_node.start_mark
            problems += duplicate_keys(value_node, [*path, key])
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            problems += duplicate_keys(item, [*path, str(index)])
    return problems
