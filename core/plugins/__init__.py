"""The plugin system: pluggy hook specifications and the plugin manager."""
