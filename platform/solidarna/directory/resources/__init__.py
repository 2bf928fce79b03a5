"""Local community resources: premises, land, equipment, funding, services, expertise."""
