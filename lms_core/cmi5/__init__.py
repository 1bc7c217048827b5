"""cmi5: launching external content that reports through the built-in LRS."""
