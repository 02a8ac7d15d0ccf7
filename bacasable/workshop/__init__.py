"""The workshop: session, room, commands, outbox, PIN, walkthrough. Imports store and run."""
