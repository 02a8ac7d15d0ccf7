"""Pieces every page shares: the anywidget base, the PIN gate, the sandbox screen."""
