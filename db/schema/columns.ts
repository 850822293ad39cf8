import { timestamp } from "drizzle-orm/pg-core";

/** Timestamps with time zone, read as Date; every table that is edited carries both. */
export const timestamps = {
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
};
