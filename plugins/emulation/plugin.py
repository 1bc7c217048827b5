from flask import render_template
from flask_babel import lazy_gettext as _l

from lms_core.plugins import LmsPlugin, NavItem


class EmulationPlugin(LmsPlugin):
    """Emulation

    The 2024–2030 campaign "building a learning society, lifelong learning": scores and fair
    rankings of officers and units, reviews and commendation proposals.
    """

    name = "emulation"
    models = "plugins.emulation.models"
    default_settings = {"EMULATION_YEAR_CLOSE": "15/01", "EMULATION_QUARTER_CLOSE_DAYS": 15,
                        "EMULATION_EVIDENCE_MAX_MB": 10}

    def blueprints(self):
        from plugins.emulation.blueprint import bp

        return [bp]

    def cli_commands(self):
        from plugins.emulation.cli import emulation_cli

        return [emulation_cli]

    def jobs(self):
        from plugins.emulation import ranking, scoring

        # Scoring's incremental pass and closing; ranking's re-ranking of the periods left
        # stale by a change of the clusters (every minute).
        return list(scoring.JOBS) + list(ranking.JOBS)

    def signal_receivers(self):
        from plugins.emulation import scoring

        return list(scoring.RECEIVERS)

    def load_demo(self, seed):
        from plugins.emulation import demo

        return demo.load(seed)

    def nav_items(self):
        return [NavItem("emulation.home", _l("Emulation"), (), 40)]

    def template_hooks(self):
        return {"dashboard": self._dashboard_panel}

    def _dashboard_panel(self, user, **kwargs):
        from plugins.emulation.campaign import current_phase

        return render_template("emulation/_dashboard_panel.html", phase=current_phase())


plugin = EmulationPlugin()
