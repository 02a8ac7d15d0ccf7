"""What follows from a persona: identifiers, values, papers, drafts. Imports identifiers."""
