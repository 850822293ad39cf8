/** The API's JSON as the dashboard reads it (DESIGN.md "HTTP contract"). */
import type { Scope } from "../shared/auth/scopes.ts";

export interface Link {
  id: string;
  slug: string;
  shortUrl: string;
  url: string;
  redirectType: 301 | 302 | 307 | 308;
  title: string | null;
  tags: string[];
  expiresAt: string | null;
  maxClicks: number | null;
  fallbackUrl: string | null;
  hasPassword: boolean;
  clicks: number;
  createdAt: string;
  updatedAt: string;
}

export interface LinkPage {
  data: Link[];
  nextCursor: string | null;
}

export interface Count {
  value: string;
  clicks: number;
}

export interface Stats {
  from: string;
  to: string;
  interval: "hour" | "day";
  tz: string;
  totals: { clicks: number; humans: number; bots: number; previews: number; uniques: number };
  timeseries: { t: string; clicks: number; humans: number; uniques: number }[];
  referrers: Count[];
  countries: Count[];
  cities: Count[];
  devices: Count[];
  browsers: Count[];
  os: Count[];
  utmSources: Count[];
  utmMediums: Count[];
  utmCampaigns: Count[];
  /** All-links stats only: `{slug (null once deleted), linkId, clicks}`. */
  topLinks?: Record<string, unknown>[];
  /** One link's Redis counters, `{clicks, humans, ingested, pending}`; null for all links or when Redis failed. */
  live?: { clicks: number; humans: number } | null;
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: Scope[];
  createdAt: string;
  lastUsedAt?: string | null;
  revokedAt?: string | null;
}

export interface MintedKey extends ApiKey {
  key: string;
}
