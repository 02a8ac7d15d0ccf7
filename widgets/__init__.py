"""Views over the core: the learner's, facilitator's and trainer's pages, and shared pieces."""
