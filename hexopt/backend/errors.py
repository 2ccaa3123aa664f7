"""The one exception type of the back end."""

from __future__ import annotations

from hexopt.diagnostics import HexoptError


class BackendError(HexoptError):
    """A translate/link/run failure the user can act on; the CLI prints its message as one line."""
