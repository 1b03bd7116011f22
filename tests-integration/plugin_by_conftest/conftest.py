"""The plugin, loaded the way aiohttp's manual says (no pytest-aiohttp)."""

pytest_plugins = "aiohttp.pytest_plugin"
