"""Plugins of Học tập Hải quan, each found through the ``lms.plugins`` entry points."""
