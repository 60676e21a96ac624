import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import { companies, people } from "./db/schema";
import * as schema from "./db/schema";

const db = drizzle(process.env.DATABASE_URL!);

export async function go(id: string) {
  await db.insert(companies).values({ id });
  await db.update(schema.companies).set({ id }).where(sql`id = ${id}`);
  await db.insert(people).values({ id });                      // own table
  await db.select().from(companies);                           // a read
  await db.execute(sql`DELETE FROM ${companies} WHERE id = ${id}`);
}
