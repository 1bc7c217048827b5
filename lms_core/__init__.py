"""Học tập Hải quan: the host application (core). Plugins live in the ``plugins`` package."""

from lms_core.app import create_app

__all__ = ["create_app"]
