"""xAPI: statements built with the ``tincan`` models, stored in the built-in LRS."""
