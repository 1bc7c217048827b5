"""Signals about the plugin host itself."""

from blinker import Namespace

_signals = Namespace()

plugins_loaded = _signals.signal(
    "plugins-loaded",
    """
Sent once per app after every enabled plugin is initialised. The `sender` is the Flask app;
`plugins` is the dict of loaded plugins by name.
""",
)
