import { drizzle } from "drizzle-orm/node-postgres";
import { companies } from "@db/schema";
import * as schema from "@schema";
import { people } from "#db/schema";
import { local } from "db/schema";

const db = drizzle(process.env.DATABASE_URL!);

export async function go(id: string) {
  await db.insert(companies).values({ id }); // tsconfig paths "@db/*" (from the extended tsconfig)
  await db.update(schema.companies).set({ id }); // an exact "paths" entry
  await db.delete(people); // package.json "imports" "#db/*": own table
  await db.insert(local).values({ id }); // baseUrl: the hub's scratch table, unqualified
}
