from flask_babel import lazy_gettext as _l

from lms_core.plugins import Job, LmsPlugin, NavItem


class RecommendationPlugin(LmsPlugin):
    """Recommendations

    Courses recommended from competency gaps, with reasons, learning paths and measured quality.
    """

    name = "recommendation"
    requires = ("competency",)
    models = "plugins.recommendation.models"

    def blueprints(self):
        from plugins.recommendation.blueprint import bp

        return [bp]

    def cli_commands(self):
        from plugins.recommendation.cli import recommend_cli

        return [recommend_cli]

    def jobs(self):
        from plugins.recommendation.recommend import retrain_job

        return [Job("recommendation.retrain_daily", retrain_job, "cron", {"hour": 2, "minute": 30})]

    def nav_items(self):
        return [NavItem("recommendation.home", _l("Recommended"), (), 35)]


plugin = RecommendationPlugin()
