"""The web app the hub serves: static files, no build step."""
