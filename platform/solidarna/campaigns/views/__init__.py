"""The pages of advocacy platforms: browse (the list, a campaign's page, its print view and
exports), signatures (signing, withdrawing, individual support) and manage (the owner space's
admins: starting and changing a campaign, its status, the timeline and the partner spaces)."""
