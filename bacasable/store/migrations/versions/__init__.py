"""The revisions of the outcome store's schema, oldest first (``0001_…``, ``0002_…``)."""
