"""Competency: frameworks per job position, assessments into 3 levels, gaps, training effect."""
