"""Relationships between organizations: partner, member of, supplier, funder."""
