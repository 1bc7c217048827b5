from flask_babel import lazy_gettext as _l

from lms_core.plugins import Job, LmsPlugin, NavItem


class RecommendationPlugin(LmsPlugin):
    """Recommendations

    Courses recommended from competency gaps, with reasons, learning paths and measured quality.
    """

    name = "recommendation"
    requires = ("competency",)
    models = "plugins.recommendation.models"
    default_settings = {"RECOMMENDATION_PATH_HOURS_PER_WEEK": 4}

    def blueprints(self):
        from plugins.recommendation.blueprint import bp

        return [bp]

    def api_blueprints(self):
        from plugins.recommendation.api import bp

        return [bp]

    def api_paths(self):
        from plugins.recommendation.api import PATHS

        return PATHS

    def api_schemas(self):
        from plugins.recommendation.api import SCHEMAS

        return SCHEMAS

    def cli_commands(self):
        from plugins.recommendation.cli import recommend_cli

        return [recommend_cli]

    def jobs(self):
        from plugins.recommendation.recommend import retrain_job

        return [Job("recommendation.retrain_daily", retrain_job, "cron", {"hour": 2, "minute": 30})]

    def nav_items(self):
        return [NavItem("recommendation.home", _l("Recommended"), (), 35)]

    def template_hooks(self):
        from plugins.recommendation import controllers

        return {"dashboard": controllers.dashboard_panel, "unit-page": controllers.unit_page_panel}


plugin = RecommendationPlugin()
