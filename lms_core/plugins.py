"""The plugin host: plugins are found through the ``lms.plugins`` entry points, checked for
their requirements, and those enabled by ``LMS_PLUGINS`` are initialised, after the core.

A plugin is one object, an instance of a subclass of :class:`LmsPlugin`. It contributes
blueprints, models, CLI commands, scheduled jobs, signal receivers, navigation items,
template hooks (panels on core pages) and routes of the JSON API with their OpenAPI
description. Core never imports a plugin module by name.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import click
from blinker import Signal
from flask import Blueprint, Flask, current_app
from markupsafe import Markup

from lms_core.extensions import db
from lms_core.signals.plugins import plugins_loaded

ENTRY_POINT_GROUP = "lms.plugins"


class PluginError(RuntimeError):
    """A plugin cannot be loaded: unknown name, missing requirement, bad table names."""


@dataclass(frozen=True)
class NavItem:
    """A link in the main navigation. Shown to users holding any of ``roles`` (anyone logged
    in when empty)."""

    endpoint: str
    label: Any
    roles: tuple[str, ...] = ()
    order: int = 100


@dataclass(frozen=True)
class Job:
    """A scheduled job. ``func`` is called with no arguments inside an app context;
    ``trigger`` and ``trigger_args`` are APScheduler's (``"interval", {"hours": 1}``)."""

    id: str
    func: Callable[[], Any]
    trigger: str
    trigger_args: dict[str, Any] = field(default_factory=dict)


class LmsPlugin:
    """Base class of plugins. The first line of a subclass's docstring is its display name.

    Class attributes:

    ``name``
        the short name, also the entry-point name and the prefix of the plugin's tables
        (``competency_*``) and URLs (``/competency/``);
    ``requires``
        names of plugins that must be loaded too;
    ``default_settings``
        config keys (``COMPETENCY_...``) with defaults, set where the app has no value;
    ``models``
        the dotted name of the module holding the plugin's models, imported at load.
    """

    name: str = ""
    requires: tuple[str, ...] = ()
    default_settings: dict[str, Any] = {}
    models: str | None = None

    def __init__(self) -> None:
        self._receivers: dict[tuple[int, Callable], Callable] = {}

    # -- what the host reads -----------------------------------------------------------------
    @property
    def title(self) -> str:
        doc = inspect.getdoc(type(self)) or self.name
        return doc.splitlines()[0].strip()

    @property
    def package(self) -> str:
        return type(self).__module__.rsplit(".", 1)[0]

    @property
    def translations_dir(self) -> Path | None:
        module = importlib.import_module(self.package)
        path = Path(module.__file__).parent / "translations"
        return path if path.is_dir() else None

    def init(self, app: Flask) -> None:
        """Called once per app after the core is set up. Override to do more."""

    def blueprints(self) -> Iterable[Blueprint]:
        return ()

    def cli_commands(self) -> Iterable[click.Command]:
        return ()

    def jobs(self) -> Iterable[Job]:
        return ()

    def nav_items(self) -> Iterable[NavItem]:
        return ()

    def template_hooks(self) -> dict[str, Callable[..., str]]:
        """Hook name (e.g. ``"dashboard"``) to a callable returning HTML for that place."""
        return {}

    def api_blueprints(self) -> Iterable[Blueprint]:
        """Blueprints that are part of the JSON API, served under ``/api/v1``.

        The host registers each one nested in the core's ``api`` blueprint (endpoints
        ``api.<blueprint name>.<view>``, URLs ``/api/v1<url_prefix><rule>``), so the API's
        rules apply to their routes as to the core's: 401 (never a redirect to the login
        page) for anonymous callers, the session's CSRF token in the ``X-CSRFToken`` header
        of a POST, and every error answered as ``{"error": <status>, "message": <text>}``
        (raise ``lms_core.errors.abort_with(status, message)`` or ``abort(status)``). Every
        route must be described by :meth:`api_paths`, under the operation id
        ``<blueprint name>.<view name>``; a view reads its query parameters with
        :func:`api_query_args`, which enforces what the description says."""
        return ()

    def api_paths(self) -> dict[str, dict[str, Any]]:
        """OpenAPI 3.1 path items of :meth:`api_blueprints`' routes, keyed by the path below
        ``/api/v1`` (``"/officers/{code}/recommendations"``), merged into the API's document
        (``GET /api/v1/openapi.json``). Error responses refer to the document's shared ones,
        ``{"$ref": "#/components/responses/E404"}`` (E400, E401, E403, E404, E409, E429);
        schemas may refer to the core's (``#/components/schemas/Error``, ``UnitRef``…) and
        to those of :meth:`api_schemas`. A query parameter may use only the keywords the API
        enforces (``lms_core.api.views.SUPPORTED_KEYWORDS``)."""
        return {}

    def api_schemas(self) -> dict[str, dict[str, Any]]:
        """Component schemas of :meth:`api_paths`, by name; names must not clash with the
        core's or another plugin's (prefix them, e.g. ``Recommendation...``)."""
        return {}

    def load_demo(self, seed: int) -> str | None:
        """Add the plugin's demo data after ``lms demo load`` loaded the core's (organisation,
        officers, courses are there). Flush, never commit; return a one-line summary."""
        return None

    def signal_receivers(self) -> Iterable[tuple[Signal, Callable]]:
        """Pairs of (core signal, receiver). The host connects each strongly, and calls the
        receiver only in apps where this plugin is enabled."""
        return ()

    # -- helpers -----------------------------------------------------------------------------
    def is_enabled(self, app: Flask | None = None) -> bool:
        app = app or current_app
        return self.name in app.extensions.get("lms_plugins", {})

    def _connect(self, signal: Signal, receiver: Callable) -> None:
        key = (id(signal), receiver)
        if key in self._receivers:  # already connected by an earlier app
            return

        def guarded(sender, **kwargs):
            if self.is_enabled():
                return receiver(sender, **kwargs)
            return None

        guarded.__name__ = f"{self.name}:{getattr(receiver, '__name__', 'receiver')}"
        self._receivers[key] = guarded
        signal.connect(guarded, weak=False)


def available_plugins() -> dict[str, LmsPlugin]:
    """Every plugin installed through the entry points, by name."""
    found: dict[str, LmsPlugin] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        plugin = ep.load()
        if not isinstance(plugin, LmsPlugin):
            raise PluginError(f"entry point {ep.name!r} is not an LmsPlugin instance")
        if plugin.name != ep.name:
            raise PluginError(f"entry point {ep.name!r} loads plugin named {plugin.name!r}")
        found[ep.name] = plugin
    return found


def _wanted(setting: str | Iterable[str], available: dict[str, LmsPlugin]) -> list[str]:
    if isinstance(setting, str):
        setting = setting.strip().lower()
        if setting in ("", "none"):
            return []
        if setting == "all":
            return sorted(available)
        setting = [s.strip() for s in setting.split(",") if s.strip()]
    names = list(setting)
    unknown = [n for n in names if n not in available]
    if unknown:
        raise PluginError(f"unknown plugin(s) in LMS_PLUGINS: {', '.join(unknown)}")
    return names


def resolve_order(names: list[str], available: dict[str, LmsPlugin]) -> list[str]:
    """``names`` ordered so that each plugin comes after those it requires; raises
    :class:`PluginError` when a requirement is not enabled."""
    enabled = set(names)
    for name in names:
        missing = [r for r in available[name].requires if r not in enabled]
        if missing:
            raise PluginError(
                f"plugin {name!r} requires {', '.join(repr(m) for m in missing)}, "
                "which is not enabled"
            )
    ordered: list[str] = []
    visiting: set[str] = set()

    def visit(n: str) -> None:
        if n in ordered:
            return
        if n in visiting:
            raise PluginError(f"plugin requirements form a cycle through {n!r}")
        visiting.add(n)
        for r in available[n].requires:
            visit(r)
        visiting.discard(n)
        ordered.append(n)

    for n in sorted(names):
        visit(n)
    return ordered


def check_table_prefixes(plugin: LmsPlugin, registry=None) -> None:
    """Raise :class:`PluginError` when a model of ``plugin`` has a table outside its namespace."""
    prefix = f"{plugin.name}_"
    for mapper in (registry or db.Model.registry).mappers:
        cls = mapper.class_
        if cls.__module__.startswith(plugin.package + "."):
            table = mapper.local_table.name
            if not table.startswith(prefix):
                raise PluginError(f"table {table!r} of plugin {plugin.name!r} must start "
                                  f"with {prefix!r}")


def enabled_plugin_names(app: Flask, available: dict[str, LmsPlugin]) -> list[str]:
    """The plugins ``app.config['LMS_PLUGINS']`` enables, in load order."""
    return resolve_order(_wanted(app.config.get("LMS_PLUGINS", "all"), available), available)


def load_plugins(
    app: Flask, order: list[str], available: dict[str, LmsPlugin]
) -> dict[str, LmsPlugin]:
    """Initialise the plugins named in ``order`` (see :func:`enabled_plugin_names`)."""
    loaded: dict[str, LmsPlugin] = {}
    app.extensions["lms_plugins"] = loaded
    for name in order:
        plugin = available[name]
        for key, value in plugin.default_settings.items():
            app.config.setdefault(key, value)
        if plugin.models:
            importlib.import_module(plugin.models)
        check_table_prefixes(plugin)
        for bp in plugin.blueprints():
            app.register_blueprint(bp)
        for bp in plugin.api_blueprints():
            _register_api_blueprint(app, bp)
        for command in plugin.cli_commands():
            app.cli.add_command(command)
        for signal, receiver in plugin.signal_receivers():
            plugin._connect(signal, receiver)
        plugin.init(app)
        loaded[name] = plugin
    plugins_loaded.send(app, plugins=loaded)
    return loaded


def _register_api_blueprint(app: Flask, bp: Blueprint) -> None:
    """Register ``bp`` as Flask registers a blueprint nested in the core's ``api`` blueprint
    (name ``api.<name>``, under its URL prefix): the ``api`` blueprint's request hooks and
    error handlers then run for its routes too (see :meth:`LmsPlugin.api_blueprints`)."""
    from lms_core.api.openapi import BASE_PATH

    app.register_blueprint(bp, url_prefix=BASE_PATH + (bp.url_prefix or ""), name_prefix="api")


def api_query_args() -> dict[str, Any]:
    """For a view of :meth:`LmsPlugin.api_blueprints`: the query parameters of the current
    request, read by the rules its operation gives in the OpenAPI document (type, range,
    length, allowed values; an absent one gets its default). A bad value is answered 400 in
    the API's error format, naming the parameter."""
    from lms_core.api.views import query_args

    return query_args()


def loaded_plugins(app: Flask | None = None) -> dict[str, LmsPlugin]:
    return (app or current_app).extensions.get("lms_plugins", {})


def plugin_hook(hook: str, **kwargs: Any) -> Markup:
    """Render what every loaded plugin contributes to ``hook`` (a Jinja global)."""
    parts = []
    for plugin in loaded_plugins().values():
        renderer = plugin.template_hooks().get(hook)
        if renderer is not None:
            html = renderer(**kwargs)
            if html:
                # Plugin code (installed, trusted) renders its panel with autoescaped templates.
                parts.append(Markup(html))  # noqa: S704  # nosec B704
    return Markup("\n").join(parts)


def all_jobs(app: Flask) -> list[Job]:
    """Core jobs plus every loaded plugin's jobs."""
    jobs: list[Job] = list(app.extensions.get("lms_core_jobs", []))
    for plugin in loaded_plugins(app).values():
        jobs.extend(plugin.jobs())
    return jobs
