"""Company Lifecycle service (sample)."""
