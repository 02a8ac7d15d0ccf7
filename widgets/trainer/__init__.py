"""The trainer's pages: the scenario editor and the persona editor, behind one menu."""
