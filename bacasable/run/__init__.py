"""One learner's run: runner, field checks, screen path, view, autoplay. Imports personas."""
