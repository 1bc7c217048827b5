"""The plugin host: discovery through entry points, requirements, the none switch, hooks."""

import pytest
import sqlalchemy as sa
from sqlalchemy import orm as so

from lms_core import create_app
from lms_core.extensions import db
from lms_core.plugins import (
    LmsPlugin,
    NavItem,
    PluginError,
    available_plugins,
    check_table_prefixes,
    load_plugins,
    resolve_order,
)
from lms_core.signals import organisation as org_signals


def _app(tmp_path, plugins):
    return create_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/p.db",
                                  "LMS_PLUGINS": plugins})


def test_the_three_plugins_are_found_through_entry_points():
    found = available_plugins()
    assert {"competency", "emulation", "recommendation"} <= set(found)
    assert found["recommendation"].requires == ("competency",)
    assert found["emulation"].title == "Emulation"


def test_requirements_come_first():
    found = available_plugins()
    order = resolve_order(["recommendation", "emulation", "competency"], found)
    assert order.index("competency") < order.index("recommendation")


def test_a_missing_requirement_stops_the_start(tmp_path):
    """Enabling recommendation without competency fails with a message naming both."""
    with pytest.raises(PluginError, match="recommendation.*competency"):
        _app(tmp_path, "recommendation,emulation")


def test_an_unknown_plugin_name_stops_the_start(tmp_path):
    with pytest.raises(PluginError, match="nosuch"):
        _app(tmp_path, "competency,nosuch")


def test_none_loads_no_plugin(tmp_path):
    """With LMS_PLUGINS=none the core runs alone: no plugin page, no plugin navigation."""
    app = _app(tmp_path, "none")
    assert app.extensions["lms_plugins"] == {}
    rules = {r.rule for r in app.url_map.iter_rules()}
    assert not any(r.startswith(("/competency", "/emulation", "/recommendation")) for r in rules)


def test_a_subset_loads_only_that_subset(tmp_path):
    app = _app(tmp_path, "emulation")
    assert list(app.extensions["lms_plugins"]) == ["emulation"]


@pytest.mark.parametrize("path,text", [
    ("/competency/", "Năng lực"),
    ("/emulation/", "2024–2030"),
    ("/recommendation/", "Gợi ý"),
])
def test_each_plugin_serves_its_home_page(client, auth, make_user, app, path, text):
    if not app.extensions["lms_plugins"]:
        pytest.skip("plugins disabled in this run")
    make_user("lan")
    assert client.get(path).status_code == 302  # anonymous: to the login page
    auth.login("lan")
    page = client.get(path)
    assert page.status_code == 200
    assert text in page.get_data(as_text=True)


def test_plugins_add_navigation_and_dashboard_panels(client, auth, make_user, app):
    if not app.extensions["lms_plugins"]:
        pytest.skip("plugins disabled in this run")
    make_user("lan")
    auth.login("lan")
    html = client.get("/dashboard").get_data(as_text=True)
    assert 'href="/competency/"' in html and 'href="/emulation/"' in html
    assert html.count('href="/emulation/"') == 2  # the navigation link and the dashboard panel


class _Recorder(LmsPlugin):
    """Recorder"""

    name = "recorder"

    def __init__(self):
        super().__init__()
        self.seen = []

    def signal_receivers(self):
        return [(org_signals.assignment_changed, self.on_assignment)]

    def nav_items(self):
        return [NavItem("ui.dashboard", "Recorder", ("hr_admin",), 5)]

    def on_assignment(self, sender, **kwargs):
        self.seen.append(sender.username)


def test_signal_receivers_run_only_where_the_plugin_is_enabled(tmp_path, make_user, make_unit):
    """A receiver connected by one app does not fire in another app without the plugin."""
    recorder = _Recorder()
    with_plugin = _app(tmp_path, "none")
    load_plugins(with_plugin, ["recorder"], {"recorder": recorder})
    # The `make_*` fixtures work in the default app (plugins per LMS_PLUGINS, recorder absent).
    unit = make_unit("A1")
    make_user("lan", unit=unit)
    start = unit.established_on
    assert recorder.seen == []
    with with_plugin.app_context():
        from lms_core.organisation import operations as ops

        db.create_all()
        user_unit = ops.create_unit("B1", "Đơn vị B", "Unit B", "team", on=start)
        from lms_core.identity.operations import create_user

        user = create_user("minh", "Trần Minh", password="Matkhau2026")
        ops.assign(user, user_unit, None, start_on=start)
        db.session.commit()
        db.engine.dispose()
    assert recorder.seen == ["minh"]


def test_plugin_tables_must_carry_the_plugin_prefix():
    """Plugin data lives in the plugin's namespace: a table without the prefix is refused."""

    class Base(so.DeclarativeBase):
        pass

    class BadModel(Base):
        __tablename__ = "not_prefixed_table"
        __module__ = "plugins.badplugin.models"
        id: so.Mapped[int] = so.mapped_column(primary_key=True)

    class GoodModel(Base):
        __tablename__ = "badplugin_things"
        __module__ = "plugins.badplugin.models"
        id: so.Mapped[int] = so.mapped_column(primary_key=True)

    class Bad(LmsPlugin):
        """Bad"""

        __module__ = "plugins.badplugin.plugin"
        name = "badplugin"

    with pytest.raises(PluginError, match="not_prefixed_table"):
        check_table_prefixes(Bad(), Base.registry)
    Base.registry.dispose()
    assert sa is not None
