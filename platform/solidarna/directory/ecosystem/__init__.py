"""The ecosystem overview: who is present where, and what is missing."""
