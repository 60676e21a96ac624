CL_SCHEMA = "cl"
OUT = "outreach"
TABLES = ("company_identity", "lifecycle_state")
