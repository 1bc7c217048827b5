from flask_babel import lazy_gettext as _l

from lms_core.plugins import LmsPlugin, NavItem


class RecommendationPlugin(LmsPlugin):
    """Recommendations

    Courses recommended from competency gaps, with reasons, learning paths and measured quality.
    """

    name = "recommendation"
    requires = ("competency",)

    def blueprints(self):
        from plugins.recommendation.blueprint import bp

        return [bp]

    def nav_items(self):
        return [NavItem("recommendation.home", _l("Recommended"), (), 35)]


plugin = RecommendationPlugin()
