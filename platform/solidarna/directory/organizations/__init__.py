"""Organizations (the SSE actors of the ecosystem map): entries, representatives, history,
the list with facets and search, the map, editing and moderation."""
