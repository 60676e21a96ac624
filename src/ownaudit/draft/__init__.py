"""``ownaudit init``: draft a policy from a live database (or a snapshot)."""
