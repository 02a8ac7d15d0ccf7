"""The learner's sandbox: the exercise page, catalogue, join form, player, phone and mailbox."""
