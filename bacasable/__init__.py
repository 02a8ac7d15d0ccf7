"""Bac à sable: practise French online procedures in a safe sandbox."""

__version__ = "0.1.0"
