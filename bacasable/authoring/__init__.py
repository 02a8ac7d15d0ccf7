"""The trainers' tools on scenario and persona files: lint, checks, edits. Imports run."""
