"""Schema names used across the service."""

CL_SCHEMA = "cl"
OUTREACH_SCHEMA = "outreach"
HISTORY_TABLES = ("lifecycle_history", "retirement_records")
