import { pgSchema, text, timestamp } from "drizzle-orm/pg-core";

export const cl = pgSchema("cl");
export const lifecycleHistory = cl.table("lifecycle_history", {
  companyId: text("company_id").notNull(),
  stage: text("stage").notNull(),
  at: timestamp("at").defaultNow(),
});

// Outreach's table, declared here so the service can read it
export const engagementEvents = pgSchema("outreach").table("engagement_events", {
  sendId: text("send_id"),
  kind: text("kind"),
});
