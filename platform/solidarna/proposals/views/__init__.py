"""The pages of proposals, one module per part of the capability: browse (the list, a proposal,
its metadata, sections and versions), text (its parts), road (the workflow, endorsements and
support) and institutions (the admins' list)."""
