from flask import render_template
from flask_babel import lazy_gettext as _l

from lms_core.plugins import LmsPlugin, NavItem


class CompetencyPlugin(LmsPlugin):
    """Competency

    Frameworks per job position, assessments that place officers at one of three levels,
    gaps and training needs, and the measured effect of training.
    """

    name = "competency"
    models = "plugins.competency.models"
    default_settings = {"COMPETENCY_LEVELS": 3, "COMPETENCY_FRAMEWORK": None,
                        "COMPETENCY_RATING_MAX_AGE_DAYS": 730,
                        "COMPETENCY_EFFECT_WINDOW_DAYS": 365, "COMPETENCY_EFFECT_MIN_N": 5,
                        "COMPETENCY_RERATING_DAYS": 90, "COMPETENCY_RATING_REMINDER_DAYS": 14,
                        "COMPETENCY_ROTATION_TERM_MONTHS": 36}

    def blueprints(self):
        from plugins.competency.blueprint import bp

        return [bp]

    def cli_commands(self):
        from plugins.competency.cli import competency_cli

        return [competency_cli]

    def jobs(self):
        from plugins.competency import assessments, effect, evidence

        return [*assessments.JOBS, *evidence.JOBS, *effect.JOBS]

    def signal_receivers(self):
        from plugins.competency import effect, evidence, gaps

        return [*evidence.RECEIVERS, *gaps.RECEIVERS, *effect.RECEIVERS]

    def nav_items(self):
        return [NavItem("competency.home", _l("Competencies"), (), 30)]

    def template_hooks(self):
        return {"dashboard": self._dashboard_panel}

    def load_demo(self, seed):
        from plugins.competency import demo

        return demo.load(seed)

    def _dashboard_panel(self, user, **kwargs):
        return render_template("competency/_dashboard_panel.html", user=user)


plugin = CompetencyPlugin()
