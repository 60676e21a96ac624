import { drizzle } from "drizzle-orm/node-postgres";
import { eq } from "drizzle-orm";
import { engagementEvents, lifecycleHistory } from "@db/schema";

const db = drizzle(process.env.DATABASE_URL!);

export async function recordStage(companyId: string, stage: string) {
  await db.insert(lifecycleHistory).values({ companyId, stage }); // CL's own table
  const seen = await db.select().from(engagementEvents).where(eq(engagementEvents.kind, "open")); // a read
  // a "stage changed" event written straight into Outreach's table
  await db.insert(engagementEvents).values({ sendId: companyId, kind: "stage" });
  return seen;
}
