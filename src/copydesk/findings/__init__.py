"""Checkers that look at cleaned text and report findings (never change it)."""
