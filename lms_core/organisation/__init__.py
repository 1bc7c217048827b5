"""Organisation: the unit tree and its history, job positions, officers' assignments."""
