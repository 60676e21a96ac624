"""``ownaudit demo``: the whole product on a throwaway embedded PostgreSQL."""
