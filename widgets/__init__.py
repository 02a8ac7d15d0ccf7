"""The learner's widgets: thin anywidget views over a :class:`bacasable.runner.Runner`."""
