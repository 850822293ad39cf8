import type { Hono } from "hono";
import type { AppEnv } from "../shared/app-env.ts";
import type { ApiClient } from "./api-client.ts";
import type { Session } from "./session.ts";

/** The dashboard's Hono env: the app's, plus the signed-in session and an API client acting as that person. */
export interface DashEnv {
  Bindings: AppEnv["Bindings"];
  Variables: AppEnv["Variables"] & {
    session: Session;
    api: ApiClient;
    /** The browser's IANA time zone (form field, query or the `tz` cookie the client script sets), else UTC. */
    tz: string;
  };
}

export type Dash = Hono<DashEnv>;
