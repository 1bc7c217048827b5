"""The application factory."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from flask import Flask

from lms_core import config as cfg
from lms_core.extensions import babel, csrf, db, login_manager, migrate

#: The one Alembic history, for core and plugin tables, at the top of the repository.
MIGRATIONS_DIR = str(Path(__file__).resolve().parent.parent / "migrations")
CORE_TRANSLATIONS = str(Path(__file__).resolve().parent / "translations")


def _load_config(app: Flask, config: str | type | dict | None, overrides: dict | None) -> None:
    if config is None or isinstance(config, str):
        name = config or os.environ.get("LMS_CONFIG", "development")
        if name not in cfg.CONFIGS:
            raise ValueError(f"unknown configuration {name!r}; use one of {sorted(cfg.CONFIGS)}")
        config_cls: type = cfg.CONFIGS[name]
        app.config.from_object(config_cls)
    elif isinstance(config, dict):
        config_cls = cfg.Config
        app.config.from_object(config_cls)
        app.config.update(config)
    else:
        config_cls = config
        app.config.from_object(config_cls)
    app.config.update(cfg.env_overrides(base=config_cls))
    app.config.from_pyfile("config.py", silent=True)
    if overrides:
        app.config.update(overrides)

    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + os.path.join(
            app.instance_path, "lms.db"
        )
    if not app.config.get("SECRET_KEY"):
        if issubclass(config_cls, cfg.ProductionConfig):
            raise RuntimeError("LMS_SECRET_KEY must be set in production")
        app.config["SECRET_KEY"] = _instance_secret(app.instance_path)


def _instance_secret(instance_path: str) -> str:
    """A random key kept in ``instance/secret_key`` so sessions survive a restart."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def create_app(config: str | type | dict | None = None, overrides: dict[str, Any] | None = None):
    """Create the app. ``config`` is a name (development, testing, production), a config class
    or a dict of settings; ``LMS_*`` environment variables and ``instance/config.py`` then
    override, and ``overrides`` last of all."""
    from lms_core import plugins as plugin_host

    instance = os.environ.get("LMS_INSTANCE_PATH") or None
    app = Flask(__name__, instance_path=instance, instance_relative_config=True)
    _load_config(app, config, overrides)
    from lms_core.logging import init_logging

    init_logging(app)

    available = plugin_host.available_plugins()
    enabled = plugin_host.enabled_plugin_names(app, available)
    # One gettext domain for all: a later catalog overrides an earlier one on a shared msgid,
    # so the core's comes last and core screens read the same whatever plugins are loaded.
    dirs = [
        str(d) for n in enabled if (d := available[n].translations_dir) is not None
    ] + [CORE_TRANSLATIONS]
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(dirs)

    import lms_core.models  # noqa: F401  (register every core table)

    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR, render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    from lms_core.ui.i18n import select_locale, select_timezone

    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    from lms_core.identity.auth import init_login

    init_login(app, login_manager)

    from lms_core.ui import init_ui

    init_ui(app)
    from lms_core.security import init_security

    init_security(app)
    from lms_core.cli import register_cli

    register_cli(app)

    from lms_core.jobs import CORE_JOBS

    app.extensions["lms_core_jobs"] = list(CORE_JOBS)
    plugin_host.load_plugins(app, enabled, available)
    return app
