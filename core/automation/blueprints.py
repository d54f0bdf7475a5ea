"""Blueprints in the Home Assistant format: an automation with inputs someone fills in.

A blueprint file holds ``blueprint:`` (its name, ``domain: automation``, and ``input:`` with a
selector per input) and an automation whose values may be ``!input <name>``.
:func:`load_blueprint` reads and checks one; :meth:`Blueprint.substitute` fills its inputs in
and gives the automation's configuration. :class:`BlueprintLibrary` (``hub.blueprints``)
holds every blueprint the hub knows: the ones plugins ship (the ``linli_blueprints`` hook)
and the ones the operator put or imported into ``<config_dir>/blueprints/``.

A blueprint's path, the id an automation's ``use_blueprint: {path: …}`` names, is its file's
path under its folder, with Home Assistant's ``automation/`` folder left out: the shipped
``blueprints/automation/linli/motion_light.yaml`` is ``linli/motion_light.yaml``, as the
same file in Home Assistant's ``blueprints/automation/`` would be.
"""

from __future__ import annotations

import asyncio
import copy
import difflib
import logging
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import voluptuous as vol
import yaml

from ..exceptions import LinliError
from ..helpers.yaml_loader import SafeLoader
from ..helpers.yaml_marks import duplicate_keys, line_and_column, locate, syntax_error
from ..helpers.yaml_values import boolean, describe, text, url
from .selectors import Selector, selector

if TYPE_CHECKING:
    from ..hub import Hub

_LOGGER = logging.getLogger(__name__)

DOMAINS = ("automation",)  # the kinds of blueprint linli runs
BLUEPRINTS_FOLDER = "blueprints"  # in the config folder
IMPORTED_FOLDER = "imported"  # under it: what import_blueprint writes
_FILENAME = re.compile(r"^[\w-][\w.-]*\.yaml$")


class BlueprintError(LinliError):
    """A blueprint cannot be read, or its inputs are wrong; the message says where.

    ``input_name`` names the input concerned, when one is.
    """

    def __init__(self, message: str, *, input_name: str | None = None) -> None:
        super().__init__(message)
        self.input_name = input_name


# -- reading YAML with !input ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Input:
    """Where a blueprint's automation takes the value of the input ``name`` (``!input name``).

    ``line`` and ``column`` (from 1) say where it is written, for messages.
    """

    name: str
    line: int | None = field(default=None, compare=False)
    column: int | None = field(default=None, compare=False)


class BlueprintLoader(SafeLoader):
    """The hub's YAML loader, reading ``!input name`` as :class:`Input`."""


def _construct_input(loader: BlueprintLoader, node: yaml.Node) -> Input:
    name = loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode) else None
    if not isinstance(name, str) or not name.strip():
        raise yaml.constructor.ConstructorError(
            None,
            None,
            "!input takes the name of an input, e.g. !input motion_entity",
            node.start_mark,
        )
    return Input(name.strip(), node.start_mark.line + 1, node.start_mark.column + 1)


BlueprintLoader.add_constructor("!input", _construct_input)


def _parse(text: str, where: str) -> tuple[yaml.Node | None, Any]:
    """The YAML node tree (for line numbers) and the data of ``text``."""
    try:
        loader = BlueprintLoader(text)  # a character YAML refuses is found here already
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as error:
        raise BlueprintError(syntax_error(where, error)) from None
    except yaml.YAMLError as error:
        raise BlueprintError(f"{where}: invalid YAML: {error}") from None
    finally:
        loader.dispose()
    return node, data


# -- the blueprint: section ------------------------------------------------------------------


def _domain(value: Any) -> str:
    if value not in DOMAINS:
        raise vol.Invalid(
            f"linli runs {' and '.join(DOMAINS)} blueprints only, not {describe(value)}"
        )
    return value


def _strict(schema: dict[Any, Any], what: str) -> vol.Schema:
    """``schema`` whose errors say which options ``what`` has, when one is unknown."""
    compiled = vol.Schema(schema)
    known = tuple(str(key) for key in schema)

    def check(value: Any) -> Any:
        if not isinstance(value, dict):
            raise vol.Invalid(
                f"expected the options of {what} (name: value), got {describe(value)}"
            )
        try:
            return compiled(value)
        except vol.MultipleInvalid as error:
            raise vol.MultipleInvalid([_explained(e, known) for e in error.errors]) from None

    return vol.Schema(check)


def _explained(error: vol.Invalid, known: tuple[str, ...]) -> vol.Invalid:
    if isinstance(error, vol.RequiredFieldInvalid):
        return vol.Invalid("required option is missing", error.path)
    if error.error_message == "extra keys not allowed" and len(error.path) == 1:
        message = f"unknown option {error.path[0]!r}"
        if close := difflib.get_close_matches(str(error.path[0]), known, n=1):
            message += f"; did you mean {close[0]!r}?"
        return vol.Invalid(f"{message} (known: {', '.join(known)})", error.path)
    return error


INPUT_SCHEMA = _strict(
    {
        vol.Optional("name"): text,
        vol.Optional("description"): text,
        vol.Optional("default"): object,
        vol.Optional("selector"): selector,
    },
    "an input",
)


def _inputs(value: Any, *, in_section: bool = False) -> dict[str, dict[str, Any]]:
    """``input:``: name -> an input (or nothing), or a section with inputs of its own."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise vol.Invalid(f"expected inputs (name: its options), got {describe(value)}")
    problems: list[vol.Invalid] = []
    checked: dict[str, dict[str, Any]] = {}
    for name, options in value.items():
        if not isinstance(name, str) or not name.strip():
            problems.append(vol.Invalid("an input's name is text", [name]))
            continue
        try:
            if isinstance(options, dict) and "input" in options:
                if in_section:
                    raise vol.Invalid("a section cannot hold another section", ["input"])
                checked[name] = {"section": SECTION_SCHEMA(options)}
            elif options is None or isinstance(options, dict):
                checked[name] = INPUT_SCHEMA(options or {})
            else:
                raise vol.Invalid(
                    f"expected the input's options (name, description, default, selector), "
                    f"got {describe(options)}"
                )
        except vol.MultipleInvalid as error:
            problems += [vol.Invalid(e.msg, [name, *e.path]) for e in error.errors]
        except vol.Invalid as error:
            problems.append(vol.Invalid(error.msg, [name, *error.path]))
    if problems:
        raise vol.MultipleInvalid(problems)
    return checked


SECTION_SCHEMA = _strict(
    {
        vol.Optional("name"): text,
        vol.Optional("description"): text,
        vol.Optional("icon"): text,
        vol.Optional("collapsed"): boolean,
        vol.Required("input"): lambda value: _inputs(value, in_section=True),
    },
    "a section of inputs",
)

BLUEPRINT_SCHEMA = _strict(
    {
        vol.Required("name"): text,
        vol.Required("domain"): _domain,
        vol.Optional("description"): text,
        vol.Optional("author"): text,
        vol.Optional("source_url"): url,
        # Home Assistant's version the blueprint needs: linli reads it and does not care.
        vol.Optional("homeassistant"): _strict(
            {vol.Optional("min_version"): text}, "homeassistant"
        ),
        vol.Optional("input"): _inputs,
    },
    "blueprint",
)


# -- blueprints ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BlueprintInput:
    """One input: ``label`` is the name the app shows (its ``name:``), ``section`` the name
    of the section it is in. ``selector`` None takes any value."""

    name: str
    description: str | None
    selector: Selector | None
    default: Any
    has_default: bool
    label: str | None = None
    section: str | None = None

    def as_dict(self) -> dict[str, Any]:
        shown: dict[str, Any] = {
            "name": self.name,
            "label": self.label,
            "description": self.description,
            "selector": None if self.selector is None else self.selector.as_dict(),
            "section": self.section,
        }
        if self.has_default:
            shown["default"] = copy.deepcopy(self.default)
        return shown


@dataclass(frozen=True, slots=True)
class InputSection:
    """A group of inputs the app shows together (Home Assistant 2024.6+)."""

    name: str
    label: str | None
    description: str | None
    icon: str | None
    collapsed: bool
    inputs: tuple[str, ...]


@dataclass(frozen=True)
class Blueprint:
    """A checked blueprint. ``config`` is its automation with the :class:`Input` markers."""

    path: str
    name: str
    domain: str
    description: str | None
    author: str | None
    source_url: str | None
    inputs: dict[str, BlueprintInput]
    sections: tuple[InputSection, ...]
    config: dict[str, Any]

    def substitute(self, inputs: Mapping[str, Any], hub: Hub | None = None) -> dict[str, Any]:
        """The automation with every ``!input`` replaced by its value from ``inputs`` or
        the input's default; each value given is checked by its selector (against the hub's
        entities, devices and areas when ``hub`` is given). A new copy each time."""
        if not isinstance(inputs, Mapping):
            raise BlueprintError(
                f"blueprint {self.path}: expected the inputs (name: value), got {describe(inputs)}"
            )
        for name in inputs:
            if name not in self.inputs:
                raise BlueprintError(self._unknown_input(name), input_name=str(name))
        missing = [
            name
            for name, spec in self.inputs.items()
            if name not in inputs and not spec.has_default
        ]
        if missing:
            names = ", ".join(f"'{name}'" for name in missing)
            what = f"input {names} is" if len(missing) == 1 else f"inputs {names} are"
            raise BlueprintError(f"blueprint {self.path}: {what} missing", input_name=missing[0])
        values: dict[str, Any] = {}
        for name, spec in self.inputs.items():
            if name not in inputs:
                values[name] = spec.default
                continue
            if spec.selector is None:
                values[name] = inputs[name]
                continue
            try:
                values[name] = spec.selector.validate(inputs[name], hub)
            except vol.Invalid as error:
                raise BlueprintError(
                    f"blueprint {self.path}: input '{name}': {error.msg}", input_name=name
                ) from None
        return _fill(self.config, values)

    def _unknown_input(self, name: object) -> str:
        message = f"blueprint {self.path}: unknown input {name!r}"
        if isinstance(name, str) and (close := difflib.get_close_matches(name, self.inputs, n=1)):
            message += f" (did you mean {close[0]!r}?)"
        known = ", ".join(self.inputs) or "none"
        return f"{message}; the blueprint's inputs are {known}"

    def as_dict(self) -> dict[str, Any]:
        """What the API shows of the blueprint."""
        return {
            "path": self.path,
            "name": self.name,
            "domain": self.domain,
            "description": self.description,
            "author": self.author,
            "source_url": self.source_url,
            "inputs": [spec.as_dict() for spec in self.inputs.values()],
            "sections": [
                {
                    "name": section.name,
                    "label": section.label,
                    "description": section.description,
                    "icon": section.icon,
                    "collapsed": section.collapsed,
                    "inputs": list(section.inputs),
                }
                for section in self.sections
            ],
        }


def _fill(value: Any, values: dict[str, Any]) -> Any:
    """A deep copy of ``value`` with each :class:`Input` replaced by its value."""
    if isinstance(value, Input):
        return copy.deepcopy(values[value.name])
    if isinstance(value, dict):
        return {key: _fill(item, values) for key, item in value.items()}
    if isinstance(value, list):
        return [_fill(item, values) for item in value]
    return copy.deepcopy(value)


def _markers(value: Any) -> Iterator[Input]:
    """Every :class:`Input` in ``value``, in the order written."""
    if isinstance(value, Input):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _markers(item)
    elif isinstance(value, list):
        for item in value:
            yield from _markers(item)


def load_blueprint(text: str, where: str, *, path: str | None = None) -> Blueprint:
    """The blueprint written in ``text``; ``where`` names the file in messages, ``path`` is
    the blueprint's id (by default ``where``).

    :class:`BlueprintError` lists every problem of the file, each with its line, e.g.
    ``motion.yaml, line 14, column 9: blueprint.input.no_motion_wait.selector: unknown
    selector 'numbr'; did you mean 'number'? (known: …)``.
    """
    node, data = _parse(text, where)
    if node is None:
        raise BlueprintError(f"{where} is empty: a blueprint starts with blueprint: (its name, …)")
    if not isinstance(data, dict) or "blueprint" not in data:
        raise BlueprintError(
            f"{where}, line {node.start_mark.line + 1}: not a blueprint: it has no blueprint: "
            "section (name, domain, input)"
        )
    problems = duplicate_keys(node, [])
    options: dict[str, Any] = {}
    try:
        options = BLUEPRINT_SCHEMA(data["blueprint"])
    except vol.MultipleInvalid as error:
        problems += [_problem(node, invalid) for invalid in error.errors]
    config = {key: value for key, value in data.items() if key != "blueprint"}
    inputs, sections = _flatten(options.get("input", {}))
    declared = _declared(data["blueprint"])
    for marker in _markers(config):
        if marker.name not in declared:
            known = ", ".join(declared) or "none"
            mark = yaml.Mark(where, 0, (marker.line or 1) - 1, (marker.column or 1) - 1, "", 0)
            problems.append(
                (mark, f"!input {marker.name}: no such input is declared (inputs: {known})")
            )
    if problems:
        problems.sort(key=lambda problem: (problem[0].line, problem[0].column))
        if len(problems) == 1:
            mark, what = problems[0]
            raise BlueprintError(f"{where}, {line_and_column(mark)}: {what}")
        lines = [f"{line_and_column(mark)}: {what}" for mark, what in problems]
        raise BlueprintError(f"{where} has {len(lines)} problems:\n  " + "\n  ".join(lines))
    return Blueprint(
        path=path or where,
        name=options["name"],
        domain=options["domain"],
        description=options.get("description"),
        author=options.get("author"),
        source_url=options.get("source_url"),
        inputs=inputs,
        sections=sections,
        config=config,
    )


def _declared(section: Any) -> list[str]:
    """The input names ``blueprint:`` declares, read leniently (it may be invalid)."""
    declared = section.get("input") if isinstance(section, dict) else None
    if not isinstance(declared, dict):
        return []
    names: list[str] = []
    for name, options in declared.items():
        inner = options.get("input") if isinstance(options, dict) else None
        names += [str(key) for key in inner] if isinstance(inner, dict) else [str(name)]
    return names


def _flatten(
    declared: dict[str, dict[str, Any]],
) -> tuple[dict[str, BlueprintInput], tuple[InputSection, ...]]:
    """The inputs, those of sections among them; and the sections."""
    inputs: dict[str, BlueprintInput] = {}
    sections: list[InputSection] = []

    def add(name: str, options: dict[str, Any], section: str | None) -> None:
        inputs[name] = BlueprintInput(
            name=name,
            description=options.get("description"),
            selector=options.get("selector"),
            default=options.get("default"),
            has_default="default" in options,
            label=options.get("name"),
            section=section,
        )

    for name, options in declared.items():
        if "section" not in options:
            add(name, options, None)
            continue
        section = options["section"]
        for inner, inner_options in section["input"].items():
            add(inner, inner_options, name)
        sections.append(
            InputSection(
                name=name,
                label=section.get("name"),
                description=section.get("description"),
                icon=section.get("icon"),
                collapsed=section.get("collapsed", False),
                inputs=tuple(section["input"]),
            )
        )
    return inputs, tuple(sections)


def _problem(root: yaml.Node, error: vol.Invalid) -> tuple[yaml.Mark, str]:
    """Where one error of the ``blueprint:`` section is written, and what it is."""
    path = ["blueprint", *(str(key) for key in error.path)]
    return locate(root, path), f"{'.'.join(path)}: {error.msg}"


# -- the library -----------------------------------------------------------------------------


def blueprint_path(file: Path, folder: Path) -> str:
    """A file's blueprint path under ``folder``: forward slashes, Home Assistant's
    ``automation/`` folder left out."""
    parts = file.relative_to(folder).parts
    if len(parts) > 1 and parts[0] in DOMAINS:
        parts = parts[1:]
    return "/".join(parts)


@dataclass(frozen=True, slots=True)
class _Read:
    """One file read (in a worker thread): its blueprint, or what is wrong with it."""

    path: str
    file: Path
    blueprint: Blueprint | None = None
    problem: str | None = None


def _read(file: Path, path: str) -> _Read:
    try:
        text = file.read_bytes().decode("utf-8-sig")
    except OSError as error:
        return _Read(path, file, problem=f"{file}: cannot be read: {error.strerror}")
    except UnicodeDecodeError:
        return _Read(path, file, problem=f"{file}: not UTF-8 text; save the file as UTF-8")
    try:
        return _Read(path, file, blueprint=load_blueprint(text, str(file), path=path))
    except BlueprintError as error:
        return _Read(path, file, problem=str(error))


def _files(source: Path) -> list[tuple[Path, str]]:
    """The blueprint files of one source (a folder or one file), with their paths."""
    if source.is_file():
        return [(source, source.name)]
    return [(file, blueprint_path(file, source)) for file in sorted(source.rglob("*.yaml"))]


def _read_sources(sources: list[Path], optional: Path) -> list[_Read]:
    """Every file of ``sources``, in order; ``optional`` may be missing (no warning)."""
    found: list[_Read] = []
    for source in sources:
        if not source.exists():
            if source != optional:
                _LOGGER.warning("Blueprint folder %s does not exist; skipped", source)
            continue
        found += [_read(file, path) for file, path in _files(source)]
    return found


class BlueprintLibrary:
    """Every blueprint the hub knows, by path (``hub.blueprints``).

    :meth:`load` reads them: first from the plugins' folders, then from
    ``<config_dir>/blueprints/``; a path found twice keeps the first. A broken file is
    logged and listed in :attr:`problems` (path -> message); the others load.
    """

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self._blueprints: dict[str, Blueprint] = {}
        self._files: dict[str, Path] = {}
        self.problems: dict[str, str] = {}

    @property
    def folder(self) -> Path:
        """The operator's blueprints: ``<config_dir>/blueprints``."""
        return Path(self.hub.config.config_dir) / BLUEPRINTS_FOLDER

    def sources(self) -> list[Path]:
        """Where blueprints are read from, in order: the plugins', then the operator's."""
        sources = [
            Path(source) for found in self.hub.plugins.hook.linli_blueprints() for source in found
        ]
        return [*sources, self.folder]

    async def load(self) -> None:
        """(Re)read every blueprint; the files are read in a worker thread."""
        found = await asyncio.to_thread(_read_sources, self.sources(), self.folder)
        blueprints: dict[str, Blueprint] = {}
        files: dict[str, Path] = {}
        problems: dict[str, str] = {}
        for read in found:
            if read.path in files or read.path in problems:
                first = files.get(read.path, "a broken file")
                _LOGGER.warning(
                    "Blueprint %s: %s is ignored, %s has the same path", read.path, read.file, first
                )
                continue
            if read.blueprint is None:
                _LOGGER.error("Blueprint %s not loaded: %s", read.path, read.problem)
                problems[read.path] = read.problem or "unreadable"
            else:
                blueprints[read.path] = read.blueprint
            files[read.path] = read.file
        self._blueprints, self._files, self.problems = blueprints, files, problems
        _LOGGER.info("Loaded %d blueprints (%d broken)", len(self._blueprints), len(self.problems))

    def get(self, path: str) -> Blueprint:
        """The blueprint at ``path``; :class:`BlueprintError` if there is none."""
        blueprint = self._blueprints.get(path)
        if blueprint is not None:
            return blueprint
        if path in self.problems:
            raise BlueprintError(f"blueprint {path!r} is broken: {self.problems[path]}")
        known = ", ".join(sorted(self._blueprints)) or "none"
        message = f"no blueprint {path!r}"
        if isinstance(path, str) and (
            close := difflib.get_close_matches(path, self._blueprints, n=1)
        ):
            message += f" (did you mean {close[0]!r}?)"
        raise BlueprintError(f"{message}; known: {known}")

    def all(self) -> list[Blueprint]:
        """Every blueprint, sorted by path."""
        return [self._blueprints[path] for path in sorted(self._blueprints)]

    def file_of(self, path: str) -> Path | None:
        """The file a blueprint (or a broken one) was read from."""
        return self._files.get(path)

    def import_blueprint(self, text: str, filename: str) -> Blueprint:
        """Check ``text`` and keep it as ``<config_dir>/blueprints/imported/<filename>``;
        the blueprint's path is ``imported/<filename>``. Refuses a filename that is not a
        plain ``name.yaml`` and a path that is taken."""
        if not isinstance(filename, str) or not _FILENAME.match(filename) or ".." in filename:
            raise BlueprintError(
                f"cannot import {filename!r}: the file name must be a plain name ending in "
                ".yaml, such as motion_light.yaml (no folders)"
            )
        path = f"{IMPORTED_FOLDER}/{filename}"
        file = self.folder / IMPORTED_FOLDER / filename
        if path in self._files or file.exists():
            raise BlueprintError(
                f"cannot import {filename}: there is already a blueprint {path}; "
                "choose another file name"
            )
        blueprint = load_blueprint(text, filename, path=path)
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
            with file.open("x", encoding="utf-8") as written:
                written.write(text)
        except OSError as error:
            raise BlueprintError(f"cannot write {file}: {error.strerror}") from None
        self._blueprints[path] = blueprint
        self._files[path] = file
        _LOGGER.info("Imported blueprint %s (%s) into %s", path, blueprint.name, file)
        return blueprint
