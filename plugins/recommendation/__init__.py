"""Recommendation: courses from competency gaps, learned with scikit-learn."""
