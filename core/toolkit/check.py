"""``linli integration check PATH``: validate a vendor package the way hassfest does.

:func:`check_package` reads files only (Python modules are parsed, never imported) and
lists every problem it finds, each with the file and, where it applies, the field:

- the manifest matches linli's schema for third-party integrations (a version, pinned
  requirements, known data categories…);
- ``config_flow`` is declared in the manifest if and only if ``config_flow.py`` exists, and
  that module defines one ``ConfigFlow`` subclass;
- ``translations/zh-Hans.json`` and ``translations/en.json`` name the integration and cover
  every flow step, error key and abort reason the config flow uses, the label of every
  form field (``vol.Required``/``vol.Optional`` key) under the step that shows it, and
  every entity ``translation_key`` of the platforms;
- the data categories the platforms expose (see :data:`DATA_CATEGORY_SIGNS`) are declared;
- ``pyproject.toml``, when present, depends on linli and declares a plugin in the entry-point
  group ``linli`` that offers the integrations; an unpacked wheel declares it in its
  ``*.dist-info/entry_points.txt``.
"""

from __future__ import annotations

import ast
import configparser
import json
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from packaging.requirements import InvalidRequirement, Requirement

from ..exceptions import ManifestError
from ..loader.integration import DEFAULT_LANGUAGE, FALLBACK_LANGUAGE, TRANSLATIONS_FOLDER
from ..loader.manifest import MANIFEST_FILE, load_manifest
from ..plugins.manager import ENTRY_POINT_GROUP

LANGUAGES = (DEFAULT_LANGUAGE, FALLBACK_LANGUAGE)
CONFIG_FLOW_MODULE = "config_flow"
PYPROJECT = "pyproject.toml"
HOOK = "linli_integrations"
# The entity platforms of linli.entities: a module named like one holds that platform.
ENTITY_PLATFORMS = (
    "binary_sensor",
    "button",
    "device_tracker",
    "event",
    "lock",
    "number",
    "sensor",
    "switch",
)
# What a module shows when an integration collects personal data of a category: a platform
# it forwards to or defines, an attribute, a device class or a unit. A name, attribute,
# function, keyword or string equal to a sign (``_attr_`` prefix dropped) counts.
DATA_CATEGORY_SIGNS: dict[str, frozenset[str]] = {
    "location": frozenset({"device_tracker", "latitude", "longitude", "gps_accuracy"}),
    "health": frozenset(
        {
            "heart_rate",
            "blood_pressure",
            "blood_oxygen",
            "blood_glucose",
            "body_temperature",
            "bpm",
            "BEATS_PER_MINUTE",
            "mmHg",
        }
    ),
    "images": frozenset({"camera"}),
    "presence": frozenset({"occupancy", "presence"}),
}
# Aborts the framework raises for a flow that uses its unique-id helpers.
FRAMEWORK_ABORTS = {
    "async_set_unique_id": "already_in_progress",
    "abort_if_unique_id_configured": "already_configured",
}
# Folders that never hold the package's own integrations.
_SKIPPED_FOLDERS = frozenset(
    {"build", "dist", "tests", "node_modules", "__pycache__", "venv", "site-packages"}
)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong: the file (relative to the checked folder), the field, and what."""

    where: str
    message: str
    field: str | None = None

    def __str__(self) -> str:
        place = f"{self.where}, {self.field!r}" if self.field else self.where
        return f"{place}: {self.message}"


@dataclass
class _FlowUse:
    """What the classes of ``config_flow.py`` use, per translation section."""

    steps: dict[tuple[str, str], int] = field(default_factory=dict)  # (section, id) -> line
    errors: dict[tuple[str, str], int] = field(default_factory=dict)
    aborts: dict[tuple[str, str], int] = field(default_factory=dict)
    # (section, step id, field) -> line; section and step "*" when no step method shows it
    fields: dict[tuple[str, str, str], int] = field(default_factory=dict)
    flow_classes: list[str] = field(default_factory=list)


class _Checker:
    """Collects the problems of one checked folder."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []
        self._trees: dict[Path, ast.Module | None] = {}

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix() or "."

    def add(self, path: Path, message: str, field: str | None = None) -> None:
        self.problems.append(Problem(self.rel(path), message, field))

    def parse(self, path: Path) -> ast.Module | None:
        """The module's syntax tree; a problem (once) and None when it cannot be parsed."""
        if path not in self._trees:
            tree = None
            try:
                tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            except SyntaxError as error:
                self.add(path, f"line {error.lineno}: invalid Python: {error.msg}")
            except (OSError, UnicodeDecodeError) as error:
                self.add(path, f"cannot be read: {error}")
            self._trees[path] = tree
        return self._trees[path]

    def read_json(self, path: Path) -> dict[str, Any] | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            self.add(path, f"line {error.lineno}, column {error.colno}: invalid JSON: {error.msg}")
            return None
        except (OSError, UnicodeDecodeError) as error:
            self.add(path, f"cannot be read: {error}")
            return None
        if not isinstance(data, dict):
            self.add(path, "expected a JSON object")
            return None
        return data

    # -- one integration ----------------------------------------------------------------

    def integration(self, folder: Path) -> None:
        manifest_path = folder / MANIFEST_FILE
        try:
            load_manifest(manifest_path, builtin=False)
        except ManifestError as error:
            for name, message in error.problems:
                self.add(manifest_path, message, name)
        try:
            raw = json.loads(manifest_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            raw = None  # reported above
        manifest = raw if isinstance(raw, dict) else {}

        init = folder / "__init__.py"
        if not init.is_file():
            self.add(folder, "not a Python package: __init__.py is missing")
        flow_path = folder / f"{CONFIG_FLOW_MODULE}.py"
        declared = manifest.get("config_flow") is True
        if flow_path.is_file() and not declared:
            self.add(
                manifest_path,
                f'{self.rel(flow_path)} exists, so the manifest must say "config_flow": true',
                "config_flow",
            )
        elif declared and not flow_path.is_file():
            self.add(
                manifest_path,
                f"declared true, but there is no {self.rel(flow_path)}",
                "config_flow",
            )
        if declared and init.is_file():
            self.entry_hooks(init)

        flow = self.config_flow(flow_path) if flow_path.is_file() else _FlowUse()
        entity_keys = dict(self.entity_translation_keys(folder))
        for language in LANGUAGES:
            self.translations(folder / TRANSLATIONS_FOLDER / f"{language}.json", flow, entity_keys)
        if isinstance(manifest.get("data_categories", []), list):
            self.data_categories(folder, manifest_path, manifest.get("data_categories", []))

    def entry_hooks(self, init: Path) -> None:
        """An integration with a config flow sets its entries up and unloads them."""
        tree = self.parse(init)
        if tree is None:
            return
        defined = {
            node.name
            for node in tree.body
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        } | {
            alias.asname or alias.name
            for node in tree.body
            if isinstance(node, ast.ImportFrom)
            for alias in node.names
        }
        for hook in ("async_setup_entry", "async_unload_entry"):
            if hook not in defined:
                self.add(init, f"defines no {hook}, which every config entry needs")

    def config_flow(self, path: Path) -> _FlowUse:
        """The steps, error keys and abort reasons ``config_flow.py`` uses."""
        use = _FlowUse()
        tree = self.parse(path)
        if tree is None:
            return use
        names = self.string_constants(path, tree)
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                bases = {_last_name(base) for base in node.bases}
                section = "options" if "OptionsFlow" in bases else "config"
                if "ConfigFlow" in bases:
                    use.flow_classes.append(node.name)
                _collect_flow_use(node, section, use)
                _collect_fields(node, section, names, _assigned(tree.body), use)
            else:
                _collect_flow_use(node, "config", use)
        shown = {name for _, _, name in use.fields}
        for name, line in _fields(tree, names):
            if name not in shown:
                use.fields.setdefault(("*", "*", name), line)
        if len(use.flow_classes) != 1:
            found = ", ".join(use.flow_classes) or "none"
            self.add(path, f"must define exactly one ConfigFlow subclass, found {found}")
        if ("config", "user") not in use.steps and use.flow_classes:
            self.add(path, "the ConfigFlow has no async_step_user: people cannot start it")
        return use

    def string_constants(self, path: Path, tree: ast.Module) -> dict[str, str]:
        """The module's string constants, with those it imports from sibling modules."""
        found: dict[str, str] = {}
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module:
                sibling = path.parent.joinpath(*node.module.split(".")).with_suffix(".py")
                source = self.parse(sibling) if sibling.is_file() else None
                theirs = _assigned(source.body) if source else {}
                for alias in node.names:
                    if (text := _text(theirs.get(alias.name))) is not None:
                        found[alias.asname or alias.name] = text
        for name, value in _assigned(tree.body).items():
            if (text := _text(value)) is not None:
                found[name] = text
        return found

    def entity_translation_keys(self, folder: Path) -> Iterator[tuple[tuple[str, str], str]]:
        """((platform, translation_key), where) for every literal key in a platform module."""
        for platform in ENTITY_PLATFORMS:
            path = folder / f"{platform}.py"
            tree = self.parse(path) if path.is_file() else None
            for key, line in _translation_keys(tree) if tree else ():
                yield (platform, key), f"{self.rel(path)}, line {line}"

    def translations(
        self, path: Path, flow: _FlowUse, entity_keys: dict[tuple[str, str], str]
    ) -> None:
        if not path.is_file():
            self.add(path, "missing: every integration carries texts in zh-Hans and en")
            return
        texts = self.read_json(path)
        if texts is None:
            return
        flow_file = CONFIG_FLOW_MODULE + ".py"
        wanted: list[tuple[tuple[str, ...], str]] = [(("name",), "the integration's name")]
        for (section, step), line in flow.steps.items():
            wanted.append(((section, "step", step), f"step {step!r} ({flow_file}, line {line})"))
        for (section, key), line in flow.errors.items():
            wanted.append(((section, "error", key), f"error {key!r} ({flow_file}, line {line})"))
        for (section, reason), line in flow.aborts.items():
            wanted.append(
                ((section, "abort", reason), f"abort reason {reason!r} ({flow_file}, line {line})")
            )
        for (section, step, name), line in flow.fields.items():
            label = (section, "step", step, "data", name)
            wanted.append((label, f"the label of field {name!r} ({flow_file}, line {line})"))
        for (platform, key), where in entity_keys.items():
            wanted.append((("entity", platform, key, "name"), f"entity name {key!r} ({where})"))
        for keys, what in wanted:
            if keys[3:4] == ("data",) and not isinstance(_lookup(texts, keys[:3]), dict):
                continue  # reported with its step
            value = _lookup(texts, keys)
            if value is None:
                self.add(path, f"missing: the text for {what}", ".".join(keys))
            elif len(keys) == 3 and keys[1] == "step":
                if not isinstance(value, dict):
                    expected = "an object (title, description, data)"
                    self.add(path, f"expected {expected} for {what}", ".".join(keys))
            elif not isinstance(value, str) or not value.strip():
                self.add(path, f"expected text for {what}", ".".join(keys))

    def data_categories(self, folder: Path, manifest_path: Path, declared: list[Any]) -> None:
        """Every category whose signs the modules show must be in ``data_categories``."""
        seen: dict[str, list[str]] = {}
        for path in sorted(folder.rglob("*.py")):
            if _skipped(path.relative_to(folder).parts[:-1]):
                continue
            tree = self.parse(path)
            if tree is None:
                continue
            for token, line in _tokens(tree, path.stem):
                for category, signs in DATA_CATEGORY_SIGNS.items():
                    if token in signs:
                        seen.setdefault(category, []).append(
                            f"{token!r} ({self.rel(path)}, line {line})"
                        )
        for category, signs in seen.items():
            if category not in declared:
                shown = ", ".join(dict.fromkeys(signs))
                self.add(
                    manifest_path,
                    f"the integration exposes {category} data ({shown}) but does not declare "
                    f"{category!r}; communities must know before they enable it",
                    "data_categories",
                )

    # -- the distribution -----------------------------------------------------------------

    def pyproject(self, path: Path, integrations: list[Path]) -> None:
        """The distribution declares a plugin in the group ``linli`` that offers each one."""
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            self.add(path, f"cannot be read: {error}")
            return
        project = data.get("project")
        if not isinstance(project, dict):
            self.add(path, "no [project] table: declare the package's metadata (PEP 621)")
            return
        self.depends_on_linli(path, project.get("dependencies", []))
        entry_points = project.get("entry-points", {}).get(ENTRY_POINT_GROUP, {})
        field_name = f"project.entry-points.{ENTRY_POINT_GROUP}"
        if not entry_points:
            self.add(
                path,
                f"no entry point in the group {ENTRY_POINT_GROUP!r}: the hub cannot find the "
                f'plugin; add [{field_name}] <domain> = "<package>.plugin"',
                field_name,
            )
            return
        offered: set[str] = set()
        for name, target in entry_points.items():
            module_name, _, attribute = str(target).partition(":")
            module_path = self.module_file(module_name)
            if module_path is None:
                self.add(path, f"entry point {name!r}: module {module_name} not found", field_name)
                continue
            tree = self.parse(module_path)
            if tree is None or attribute:
                continue
            hook = _function(tree, HOOK)
            if hook is None:
                self.add(module_path, f"defines no {HOOK} hook: the plugin offers no integration")
                continue
            offered |= {
                node.value
                for node in ast.walk(hook)
                if isinstance(node, ast.Constant) and isinstance(node.value, str)
            }
        for folder in integrations:
            package = self.import_name(folder)
            if offered and package and package not in offered:
                self.add(path, f"no plugin's {HOOK} returns the package {package!r}", field_name)
        self.version_matches(path, project.get("version"), integrations)

    def built_entry_points(self, path: Path) -> None:
        """A built package (an unpacked wheel) declares its plugin in ``entry_points.txt``."""
        parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
        try:
            parser.read_string(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, configparser.Error) as error:
            self.add(path, f"cannot be read: {error}")
            return
        if not parser.has_section(ENTRY_POINT_GROUP) or not parser.options(ENTRY_POINT_GROUP):
            self.add(
                path,
                f"no entry point in the group {ENTRY_POINT_GROUP!r}: the hub cannot find "
                "the plugin",
                ENTRY_POINT_GROUP,
            )

    def depends_on_linli(self, path: Path, dependencies: list[Any]) -> None:
        names = set()
        for dependency in dependencies:
            try:
                names.add(Requirement(str(dependency)).name.lower())
            except InvalidRequirement as error:
                self.add(path, f"{dependency!r} is not a requirement: {error}", "dependencies")
        if "linli" not in names:
            self.add(path, "must list 'linli' in project.dependencies", "project.dependencies")

    def version_matches(self, path: Path, version: object, integrations: list[Path]) -> None:
        for folder in integrations:
            manifest_path = folder / MANIFEST_FILE
            try:
                manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError):
                continue
            stated = manifest.get("version") if isinstance(manifest, dict) else None
            if isinstance(version, str) and isinstance(stated, str) and stated != version:
                self.add(
                    manifest_path,
                    f"{stated!r} differs from the package's version {version!r} in {PYPROJECT}",
                    "version",
                )

    def module_file(self, module_name: str) -> Path | None:
        parts = module_name.strip().split(".")
        for base in (self.root / "src", self.root):
            for candidate in (base.joinpath(*parts).with_suffix(".py"), base.joinpath(*parts)):
                if candidate.is_file():
                    return candidate
                if (candidate / "__init__.py").is_file():
                    return candidate / "__init__.py"
        return None

    def import_name(self, folder: Path) -> str | None:
        for base in (self.root / "src", self.root):
            if folder.is_relative_to(base) and folder != base:
                return ".".join(folder.relative_to(base).parts)
        return None


def _skipped(parts: tuple[str, ...]) -> bool:
    return any(
        part in _SKIPPED_FOLDERS or part.startswith(".") or part.endswith(".egg-info")
        for part in parts
    )


def _last_name(node: ast.expr) -> str:
    """``ConfigFlow`` for ``ConfigFlow`` and for ``config_entries.ConfigFlow``."""
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else ""


def _text(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _collect_flow_use(tree: ast.AST, section: str, use: _FlowUse) -> None:
    """Add the steps, errors and aborts found in ``tree`` to ``use``, under ``section``."""
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            if node.name.startswith("async_step_"):
                use.steps.setdefault((section, node.name.removeprefix("async_step_")), node.lineno)
        elif isinstance(node, ast.Call):
            callee = _last_name(node.func)
            first = node.args[0] if node.args else None
            keywords = {keyword.arg: keyword.value for keyword in node.keywords}
            if callee in ("abort", "AbortFlow"):
                if (reason := _text(keywords.get("reason", first))) is not None:
                    use.aborts.setdefault((section, reason), node.lineno)
            elif callee in FRAMEWORK_ABORTS:
                use.aborts.setdefault((section, FRAMEWORK_ABORTS[callee]), node.lineno)
            if isinstance(errors := keywords.get("errors"), ast.Dict):
                _add_error_keys(errors, section, use)
        elif isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if _last_name(target) == "errors" and isinstance(node.value, ast.Dict):
                    _add_error_keys(node.value, section, use)
                elif (
                    isinstance(target, ast.Subscript)
                    and _last_name(target.value) == "errors"
                    and (key := _text(node.value)) is not None
                ):
                    use.errors.setdefault((section, key), node.lineno)


def _add_error_keys(errors: ast.Dict, section: str, use: _FlowUse) -> None:
    for value in errors.values:
        if (key := _text(value)) is not None:
            use.errors.setdefault((section, key), value.lineno)


def _collect_fields(
    flow: ast.ClassDef,
    section: str,
    names: dict[str, str],
    schemas: dict[str, ast.expr],
    use: _FlowUse,
) -> None:
    """Add to ``use`` the fields each ``async_step_`` method of ``flow`` shows: those of the
    schemas it builds or names (a module- or class-level constant)."""
    schemas = schemas | _assigned(flow.body)
    steps = {
        node.name.removeprefix("async_step_"): node
        for node in flow.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name.startswith("async_step_")
    }
    for step, method in steps.items():
        named = {_last_name(node) for node in ast.walk(method) if isinstance(node, ast.expr)}
        for part in [method, *(schemas[name] for name in named & schemas.keys())]:
            for name, line in _fields(part, names):
                use.fields.setdefault((section, step, name), line)


def _fields(tree: ast.AST, names: dict[str, str]) -> Iterator[tuple[str, int]]:
    """(key, line) of every ``vol.Required``/``vol.Optional`` in ``tree`` with a string key:
    a literal or one of ``names``."""
    calls = (node for node in ast.walk(tree) if isinstance(node, ast.Call) and node.args)
    for call in calls:
        key = _text(call.args[0]) or names.get(_last_name(call.args[0]))
        if key and _last_name(call.func) in ("Required", "Optional"):
            yield key, call.lineno


def _assigned(body: list[ast.stmt]) -> dict[str, ast.expr]:
    """What the module- or class-level statements ``body`` assign to each simple name."""
    return {
        target.id: node.value
        for node in body
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name)
    }


def _translation_keys(tree: ast.Module) -> Iterator[tuple[str, int]]:
    """Literal ``_attr_translation_key = "…"`` and ``translation_key="…"`` in a module."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            key = _text(node.value)
            if key and any(_last_name(t) == "_attr_translation_key" for t in targets):
                yield key, node.lineno
        elif (
            isinstance(node, ast.keyword)
            and node.arg == "translation_key"
            and (key := _text(node.value)) is not None
        ):
            yield key, node.value.lineno


def _tokens(tree: ast.Module, stem: str) -> Iterator[tuple[str, int]]:
    """(word, line) for the module's name and its names, attributes, functions, strings."""
    yield stem, 1
    for node in ast.walk(tree):
        word: str | None = None
        if isinstance(node, ast.Name):
            word = node.id
        elif isinstance(node, ast.Attribute):
            word = node.attr
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            word = node.name
        elif isinstance(node, ast.keyword):
            word = node.arg
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            word = node.value
        if word:
            yield word.removeprefix("_attr_"), getattr(node, "lineno", 1)


def _function(tree: ast.Module, name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name == name:
            return node
    return None


def _lookup(texts: dict[str, Any], keys: tuple[str, ...]) -> Any:
    """The value at ``keys``; a key ``*`` stands for any (the first that leads to one)."""
    value: Any = texts
    for index, key in enumerate(keys):
        if not isinstance(value, dict):
            return None
        if key == "*":
            found = (_lookup(item, keys[index + 1 :]) for item in value.values())
            return next((item for item in found if item is not None), None)
        if key not in value:
            return None
        value = value[key]
    return value


def find_integrations(path: Path) -> list[Path]:
    """The integration folders (holding ``manifest.json``) in a vendor package folder.

    ``path`` itself when it is one; build output, tests and hidden folders are skipped.
    """
    if (path / MANIFEST_FILE).is_file():
        return [path]
    return [
        manifest.parent
        for manifest in sorted(path.rglob(MANIFEST_FILE))
        if not _skipped(manifest.relative_to(path).parts[:-1])
    ]


def check_package(path: Path) -> list[Problem]:
    """Every problem of the vendor package (or integration folder) at ``path``; [] if none."""
    root = Path(path).resolve()
    checker = _Checker(root)
    if not root.is_dir():
        return [Problem(str(path), "not a folder")]
    integrations = find_integrations(root)
    if not integrations:
        checker.add(root, f"no integration found: no folder holds a {MANIFEST_FILE}")
    for folder in integrations:
        checker.integration(folder)
    if (root / PYPROJECT).is_file():
        checker.pyproject(root / PYPROJECT, integrations)
    for entry_points in sorted(root.glob("*.dist-info/entry_points.txt")):
        checker.built_entry_points(entry_points)
    return checker.problems
