import psycopg
from psycopg import sql
import asyncpg
from psycopg2.extras import execute_values

TABLE = sql.Identifier("cl", "company_identity")

def load(cur, conn, rows):
    cur.execute(sql.SQL("INSERT INTO {} (a) VALUES (%s)").format(TABLE), (1,))
    cur.execute(sql.SQL("DELETE FROM {t}").format(t=sql.Identifier("outreach", "people")))
    cur.execute(sql.SQL("UPDATE {}.{} SET a = 1").format(sql.Identifier("cl"), sql.Identifier("merge_records")))
    with cur.copy("COPY cl.lifecycle_state (a) FROM STDIN") as cp:
        cp.write_row((1,))
    cur.copy_from(f, "cl.merge_records", columns=("a",))
    execute_values(cur, "INSERT INTO cl.company_identity (a) VALUES %s", rows)

async def aload(conn):
    await conn.copy_records_to_table("company_identity", records=[(1,)], schema_name="cl")
    await conn.copy_records_to_table("people", records=[(1,)], schema_name="outreach")
    await conn.executemany("INSERT INTO cl.lifecycle_state (a) VALUES ($1)", [(1,)])
