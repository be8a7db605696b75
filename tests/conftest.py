"""Settings shared by every test."""

from hypothesis import settings

# Hypothesis' default 200 ms deadline is a wall-clock limit: on a busy machine it fails correct code.
# Built on the active profile, so Hypothesis' own "ci" profile (chosen when CI is set) still applies.
settings.register_profile("project", settings.default, deadline=None)
settings.load_profile("project")
