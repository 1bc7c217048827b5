"""Courses: structure and versions, lesson kinds, packages, delivery, authoring."""
